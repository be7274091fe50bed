import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from "jose";
import { withFileLock } from "./file-lock";
import { jwksPath, keysPath, readKeyRecords, writeKeyRecords, type KeyRecord } from "./key-files";
import { readKeyMaterial, type ImportedKey } from "./key-import";
import {
  generateKeyMaterial,
  KEY_ALGORITHMS,
  RSA_KEY_SIZES,
  type KeyAlgorithm,
} from "./key-material";
import { KeystoreError, missingSecretMessage } from "./keystore-error";
import type { SecretStore } from "./secret-store";
import type { KeyInfo } from "./keystore-types";

export type { KeyAlgorithm, KeyInfo } from "./keystore-types";

/** Long enough that a prefix typed by hand names the key the user means. */
const MIN_KID_PREFIX = 6;

/**
 * The keys Gatehouse signs tokens with and the public keys it trusts. Metadata (keys.json) and
 * the public JWKS (jwks.json) are files in the data folder; private keys are only ever in the
 * secret store. Every change and every signing re-reads keys.json under its lock first, so that
 * the app and a `gatehouse keys` command run side by side do not undo or miss each other's
 * changes; list() and exportJwks() answer from the last read.
 */
export class Keystore {
  readonly jwksPath: string;

  private constructor(
    private readonly dataDir: string,
    private readonly secrets: SecretStore,
    private records: KeyRecord[],
  ) {
    this.jwksPath = jwksPath(dataDir);
  }

  static async open(options: { dataDir: string; secrets: SecretStore }): Promise<Keystore> {
    return new Keystore(options.dataDir, options.secrets, await readKeyRecords(options.dataDir));
  }

  /** Newest first. */
  list(): KeyInfo[] {
    return this.records.map(infoOf);
  }

  /** The public parts of every key, active and retired: what the gateway verifies with. */
  exportJwks(): { keys: JWK[] } {
    return { keys: this.records.map((record) => ({ ...record.jwk })) };
  }

  async create(options: {
    alg: KeyAlgorithm;
    bits?: 2048 | 3072;
    label?: string;
  }): Promise<KeyInfo> {
    const { alg, bits } = options;
    if (!KEY_ALGORITHMS.includes(alg)) {
      throw new KeystoreError(
        `the algorithm is one of ${KEY_ALGORITHMS.join(", ")}, not ${JSON.stringify(alg)}`,
      );
    }
    if (bits !== undefined && (alg !== "RS256" || !RSA_KEY_SIZES.includes(bits))) {
      throw new KeystoreError("the key size is 2048 or 3072 bits, and only for RS256 keys");
    }
    // Outside the queue: generating an RSA key takes a while and touches no file.
    const material = await generateKeyMaterial(alg, bits);
    const [info] = await this.add([material], options.label);
    return info as KeyInfo; // one key in, one key out
  }

  /**
   * A PKCS#8 PEM private key, a private JWK, a public JWK, a public JWKS, or an SPKI PEM public
   * key. A JWKS adds every key, or none if one of them is refused. A private key whose public
   * part is already here as a public-only key makes that key able to sign.
   */
  async import(
    material: string,
    options: { label?: string; alg?: KeyAlgorithm } = {},
  ): Promise<KeyInfo[]> {
    return this.add(await readKeyMaterial(material, options.alg), options.label);
  }

  /** The key stays in the JWKS, so tokens it signed keep verifying, but it signs no more. */
  async retire(kid: string): Promise<KeyInfo> {
    return this.exclusive(async () => {
      const records = await this.reload();
      const record = findKey(records, kid);
      const retired: KeyRecord = { ...record, state: "retired" };
      await this.save(records.map((each) => (each === record ? retired : each)));
      return infoOf(retired);
    });
  }

  /** Removes the key from the JWKS and the metadata first, then its private key. */
  async delete(kid: string): Promise<void> {
    await this.exclusive(async () => {
      const records = await this.reload();
      const record = findKey(records, kid);
      await this.save(records.filter((each) => each !== record));
      if (!record.canSign) return;
      try {
        await this.secrets.delete(record.kid);
      } catch (error) {
        throw new KeystoreError(
          `key ${record.kid} is deleted and no longer trusted, but its private key could not be removed from the ${storeName(this.secrets)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    });
  }

  /** The newest active key that can sign, with its private key from the secret store. */
  async signingKey(): Promise<{ info: KeyInfo; privateKey: CryptoKey }> {
    return this.exclusive(async () => {
      const record = (await this.reload()).find((each) => each.state === "active" && each.canSign);
      if (!record) {
        throw new KeystoreError("no active signing key: create one with `gatehouse keys create`");
      }
      const secret = await this.secrets.get(record.kid);
      if (secret === undefined) {
        throw new KeystoreError(missingSecretMessage(record.kid, this.secrets.kind));
      }
      return { info: infoOf(record), privateKey: await this.privateKeyOf(record, secret) };
    });
  }

  /**
   * Secrets first, then the files: if the secret store fails (a locked keychain), no key is
   * listed without its private key. If anything fails, the secrets written for this change are
   * taken back (their kids are new to the keystore, so no entry of another key is lost).
   */
  private async add(keys: ImportedKey[], label: string | undefined): Promise<KeyInfo[]> {
    return this.exclusive(async () => {
      const { records, changed } = await withKeys(
        await this.reload(),
        keys,
        label?.trim() || undefined,
      );
      const written: string[] = [];
      try {
        for (const { record, privateJwk } of changed) {
          if (!privateJwk) continue;
          // Before the call: a store that fails midway may have written the entry.
          written.push(record.kid);
          await this.secrets.set(
            record.kid,
            JSON.stringify({ ...privateJwk, kid: record.kid, alg: record.alg }),
          );
        }
        await this.save(records);
      } catch (error) {
        // Best effort: the error that stopped the change is the one to report.
        await Promise.all(written.map((kid) => this.secrets.delete(kid).catch(() => false)));
        throw error;
      }
      return changed.map(({ record }) => infoOf(record));
    });
  }

  /**
   * One change (or signing) at a time across processes: keys.json's lock also covers jwks.json,
   * which is only written with it, and is taken before the secret store's own.
   */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    return withFileLock(keysPath(this.dataDir), task);
  }

  private async reload(): Promise<KeyRecord[]> {
    this.records = await readKeyRecords(this.dataDir);
    return this.records;
  }

  private async save(records: KeyRecord[]): Promise<void> {
    await writeKeyRecords(this.dataDir, records);
    this.records = records;
  }

  private async privateKeyOf(record: KeyRecord, secret: string): Promise<CryptoKey> {
    const unreadable = (reason: string) =>
      new KeystoreError(
        `the private key of ${record.kid} in the ${storeName(this.secrets)} ${reason}`,
      );
    let jwk: JWK;
    try {
      jwk = JSON.parse(secret) as JWK;
    } catch {
      throw unreadable("is not a JWK");
    }
    // Signing with a key other than the published one would mint tokens nothing verifies.
    const [published, stored] = await Promise.all([
      calculateJwkThumbprint(record.jwk),
      calculateJwkThumbprint(jwk).catch(() => undefined),
    ]);
    if (published !== stored) throw unreadable("does not match its public key");
    let key: CryptoKey | Uint8Array;
    try {
      key = await importJWK(jwk, record.alg);
    } catch (error) {
      throw unreadable(`cannot be used (${(error as Error).message})`);
    }
    if (key instanceof Uint8Array) throw unreadable("is not a private key");
    return key;
  }
}

/** A change to the key list: the records after it, and the records it added or upgraded. */
interface KeysChange {
  records: KeyRecord[];
  changed: { record: KeyRecord; privateJwk?: JWK }[];
}

/**
 * Adds keys to the list, newest first. Keys are the same when their thumbprints are, whatever
 * their kids: a key already here is refused, unless it is public-only and a private key for it
 * arrives, which makes it able to sign.
 */
async function withKeys(
  records: KeyRecord[],
  keys: ImportedKey[],
  label: string | undefined,
): Promise<KeysChange> {
  const existing = new Map<string, KeyRecord>();
  for (const record of records) existing.set(await calculateJwkThumbprint(record.jwk), record);
  const kids = new Set(records.map((record) => record.kid));
  const seen = new Set<string>();
  const created = new Date().toISOString();
  let updated = records;
  const added: KeyRecord[] = [];
  const changed: KeysChange["changed"] = [];

  for (const { kid, privateJwk, ...material } of keys) {
    if (seen.has(material.thumbprint)) {
      throw new KeystoreError(`the same key (${material.thumbprint}) is in the import twice`);
    }
    seen.add(material.thumbprint);
    const present = existing.get(material.thumbprint);
    if (present && !present.canSign && privateJwk) {
      const upgraded: KeyRecord = { ...present, canSign: true, label: label ?? present.label };
      updated = updated.map((record) => (record === present ? upgraded : record));
      changed.push({ record: upgraded, privateJwk });
      continue;
    }
    if (present) {
      throw new KeystoreError(`key ${present.kid} (${present.label}) is already in the keystore`);
    }
    const newKid = kid ?? material.thumbprint;
    if (kids.has(newKid)) {
      throw new KeystoreError(`kid "${newKid}" already names another key in the keystore`);
    }
    kids.add(newKid);
    const record: KeyRecord = {
      kid: newKid,
      alg: material.alg,
      ...(material.bits !== undefined && { bits: material.bits }),
      label: label ?? `${material.alg} ${privateJwk ? "signing" : "public"} key`,
      created,
      state: "active",
      canSign: privateJwk !== undefined,
      jwk: { ...material.publicJwk, kid: newKid, alg: material.alg, use: "sig" },
    };
    added.push(record);
    changed.push({ record, ...(privateJwk && { privateJwk }) });
  }
  return { records: [...added, ...updated], changed };
}

/** An exact kid, or a unique prefix of one. */
function findKey(records: KeyRecord[], kid: string): KeyRecord {
  const exact = records.find((record) => record.kid === kid);
  if (exact) return exact;
  const matches =
    kid.length >= MIN_KID_PREFIX ? records.filter((record) => record.kid.startsWith(kid)) : [];
  if (matches.length > 1) {
    const kids = matches.map((record) => record.kid).join(", ");
    throw new KeystoreError(`"${kid}" is the start of several kids (${kids}): give more of it`);
  }
  const [match] = matches;
  if (match) return match;
  throw new KeystoreError(`no key "${kid}" in the keystore (see gatehouse keys list)`);
}

/** KeyInfo alone: no public JWK, and nothing a hand-edited keys.json may have added. */
function infoOf({ kid, alg, bits, label, created, state, canSign }: KeyRecord): KeyInfo {
  return { kid, alg, ...(bits !== undefined && { bits }), label, created, state, canSign };
}

function storeName(secrets: SecretStore): string {
  return secrets.kind === "keychain" ? "OS keychain" : "private-key file";
}
