import { readFile } from "node:fs/promises";
import writeFileAtomic from "write-file-atomic";
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
 * Writes readable JSON to a temporary file beside `path` and renames it over the old one, so
 * that a reader (the gateway watches jwks.json) sees the old file or the new one, never half of
 * one, and a crash mid-write leaves the old file intact. The new file gets `mode` if given,
 * from its first byte; else the old file's mode.
 */
export async function writeJsonFile(
  path: string,
  value: unknown,
  { mode }: { mode?: number } = {},
): Promise<void> {
  try {
    // A new options object each time: write-file-atomic fills in the one it is given.
    await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
  } catch (error) {
    throw new KeystoreError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
