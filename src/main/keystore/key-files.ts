import { join } from "node:path";
import type { JWK } from "jose";
import { isJsonObject, readJsonFile, writeJsonFile } from "./json-file";
import { KEY_ALGORITHMS, type KeyAlgorithm } from "./key-material";
import { KeystoreError } from "./keystore-error";
import type { KeyInfo } from "./keystore";

/**
 * One key in keys.json: its metadata and the public JWK it is published as (with kid, alg and
 * use). keys.json is the keystore's record; jwks.json is derived from it for the gateway.
 */
export interface KeyRecord extends KeyInfo {
  jwk: JWK;
}

export const keysPath = (dataDir: string) => join(dataDir, "keys.json");
export const jwksPath = (dataDir: string) => join(dataDir, "jwks.json");

/** The keys, newest first; none when the keystore has never been written. */
export async function readKeyRecords(dataDir: string): Promise<KeyRecord[]> {
  const path = keysPath(dataDir);
  const document = await readJsonFile(path);
  if (document === undefined) return [];
  const keys = isJsonObject(document) ? document.keys : undefined;
  if (!Array.isArray(keys)) {
    throw new KeystoreError(`${path} is damaged: expected an object with a "keys" list`);
  }
  keys.forEach((key: unknown, index) => {
    const problem = recordProblem(key);
    if (problem) throw new KeystoreError(`${path} is damaged: key #${index + 1} ${problem}`);
  });
  return keys as KeyRecord[];
}

/**
 * jwks.json first, then keys.json, so that a crash in between errs on the safe side: a new key
 * is published before anything signs with it, and a deleted key is no longer trusted even if it
 * is still listed. The next write brings the two files back in step.
 */
export async function writeKeyRecords(dataDir: string, records: KeyRecord[]): Promise<void> {
  await writeJsonFile(jwksPath(dataDir), { keys: records.map((record) => record.jwk) });
  await writeJsonFile(keysPath(dataDir), { keys: records });
}

function recordProblem(key: unknown): string | undefined {
  if (!isJsonObject(key)) return "is not a JSON object";
  const { kid, alg, state, canSign, label, created, jwk } = key;
  if (typeof kid !== "string" || kid === "") return 'has no "kid"';
  if (!KEY_ALGORITHMS.includes(alg as KeyAlgorithm)) {
    return `has an unknown alg ${JSON.stringify(alg)}`;
  }
  if (state !== "active" && state !== "retired") {
    return 'has a "state" other than active or retired';
  }
  if (typeof canSign !== "boolean") return 'has no boolean "canSign"';
  if (typeof label !== "string" || typeof created !== "string") {
    return 'has no "label" or "created"';
  }
  if (!isJsonObject(jwk) || jwk.kid !== kid) return 'has no public "jwk" with its kid';
  return undefined;
}
