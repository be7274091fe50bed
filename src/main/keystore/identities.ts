import { join } from "node:path";
import { checkClaims, isAudience } from "./claims";
import { withFileLock } from "./file-lock";
import { isJsonObject, readJsonFile, writeJsonFile } from "./json-file";
import { KeystoreError } from "./keystore-error";
import type { Identity } from "./keystore-types";

export type { Identity };

/** Safe in a command line and a file name, and easy to type. */
const IDENTITY_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The identities in `<dataDir>/identities.json`, sorted by name. Like the keystore, every change
 * re-reads the file under its lock, so the app and a `gatehouse identity` command do not undo
 * each other.
 */
export class IdentityStore {
  private constructor(
    private readonly path: string,
    private identities: Identity[],
  ) {}

  static async open(dataDir: string): Promise<IdentityStore> {
    const path = join(dataDir, "identities.json");
    return new IdentityStore(path, await readIdentities(path));
  }

  list(): Identity[] {
    return structuredClone(this.identities);
  }

  get(name: string): Identity | undefined {
    return structuredClone(this.identities.find((identity) => identity.name === name));
  }

  /** Adds the identity, or replaces the one of the same name. */
  async save(identity: Identity): Promise<void> {
    const valid = validIdentity(identity);
    await withFileLock(this.path, async () => {
      const others = (await this.reload()).filter((each) => each.name !== valid.name);
      await this.write([...others, valid].sort((a, b) => a.name.localeCompare(b.name)));
    });
  }

  /**
   * Adds those of the identities whose names are free, and leaves an identity of the same name
   * as it is: the user's own always wins. Returns the names it added.
   */
  async addMissing(identities: readonly Identity[]): Promise<string[]> {
    const valid = identities.map(validIdentity);
    return withFileLock(this.path, async () => {
      const all = await this.reload();
      const taken = new Set(all.map((each) => each.name));
      const missing = valid.filter((identity) => !taken.has(identity.name));
      if (missing.length === 0) return [];
      await this.write([...all, ...missing].sort((a, b) => a.name.localeCompare(b.name)));
      return missing.map((identity) => identity.name);
    });
  }

  /** False when there was no such identity. */
  async remove(name: string): Promise<boolean> {
    return withFileLock(this.path, async () => {
      const all = await this.reload();
      if (!all.some((each) => each.name === name)) return false;
      await this.write(all.filter((each) => each.name !== name));
      return true;
    });
  }

  private async reload(): Promise<Identity[]> {
    this.identities = await readIdentities(this.path);
    return this.identities;
  }

  private async write(identities: Identity[]): Promise<void> {
    await writeJsonFile(this.path, { identities });
    this.identities = identities;
  }
}

async function readIdentities(path: string): Promise<Identity[]> {
  const document = await readJsonFile(path);
  if (document === undefined) return [];
  const identities = isJsonObject(document) ? document.identities : undefined;
  if (!Array.isArray(identities)) {
    throw new KeystoreError(`${path} is damaged: expected an object with an "identities" list`);
  }
  try {
    return identities.map((identity) => validIdentity(identity as Identity));
  } catch (error) {
    throw new KeystoreError(`${path} is damaged: ${(error as Error).message}`, { cause: error });
  }
}

/** The identity as saved: checked, with `sub` defaulting to the name. */
function validIdentity(identity: Identity): Identity {
  if (!isJsonObject(identity)) throw new KeystoreError("an identity must be a JSON object");
  const { name, claims, issuer, audience } = identity;
  if (typeof name !== "string" || !IDENTITY_NAME.test(name)) {
    throw new KeystoreError(
      `identity name ${JSON.stringify(name)} may hold only letters, digits, "-", "_" and "." (at most 100)`,
    );
  }
  checkClaims(claims, `identity ${name}`);
  if (issuer !== undefined && (typeof issuer !== "string" || issuer === "")) {
    throw new KeystoreError(`the issuer of identity ${name} must be a non-empty string`);
  }
  if (audience !== undefined && !isAudience(audience)) {
    throw new KeystoreError(
      `the audience of identity ${name} must be a non-empty string or list of them`,
    );
  }
  return {
    name,
    claims: { sub: name, ...claims },
    ...(issuer !== undefined && { issuer }),
    ...(audience !== undefined && { audience }),
  };
}
