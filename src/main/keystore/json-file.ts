import { randomUUID } from "node:crypto";
import { open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ensureDataDir } from "./data-dir";
import { KeystoreError } from "./keystore-error";

/** The parsed content of a JSON file, or undefined when there is no such file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new KeystoreError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KeystoreError(`${path} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * Writes readable JSON through a temporary file in the same folder and a rename, so that a
 * reader (the gateway watches jwks.json) sees the old file or the new one, never half of one,
 * and a crash mid-write leaves the old file intact.
 */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await ensureDataDir(folder);
    const file = await open(temporary, "wx");
    try {
      await file.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new KeystoreError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
