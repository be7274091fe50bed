import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import template from "../../../resources/initial-config.yaml?raw";
import { ensureDataDir } from "../keystore/data-dir";
import { KeystoreError } from "../keystore/keystore-error";

/** The config `gatehouse init` writes, in the data directory beside the keystore. */
export function initialConfigPath(dataDir: string): string {
  return join(dataDir, "config.yaml");
}

/**
 * The config to serve when none is named: the one `gatehouse init` wrote, if it exists;
 * otherwise undefined, and the embedded default (open, offline demo) runs.
 */
export function resolveConfigPath(file: string | undefined, dataDir: string): string | undefined {
  if (file) return file;
  const initial = initialConfigPath(dataDir);
  return existsSync(initial) ? initial : undefined;
}

/** Writes the initial config, whose jwtAuth trusts the keystore's JWKS file. */
export async function writeInitialConfig(
  dataDir: string,
  jwksPath: string,
  overwrite: boolean,
): Promise<string> {
  const path = initialConfigPath(dataDir);
  if (existsSync(path) && !overwrite) {
    throw new KeystoreError(`${path} already exists: pass --force to write it anew`);
  }
  await ensureDataDir(dataDir);
  // JSON quoting is valid YAML and keeps any path (spaces, backslashes) intact.
  const text = template.replace('"{{JWKS_PATH}}"', JSON.stringify(jwksPath));
  await writeFile(path, text, { mode: 0o600 });
  return path;
}
