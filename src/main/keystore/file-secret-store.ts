import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { withFileLock } from "./file-lock";
import { isJsonObject, writeJsonFile } from "./json-file";
import { KeystoreError } from "./keystore-error";
import type { SecretStore } from "./secret-store";

// A Map, not an object: a kid such as "__proto__" must stay an entry like any other.
type Secrets = Map<string, string>;

/**
 * Private keys in one JSON file, `<dataDir>/private-keys.json` ({ "<kid>": "<secret>" }), for
 * machines without a keychain, and only when the user opts in with GATEHOUSE_KEYSTORE=file.
 * Anyone who can read the file can sign tokens, so it is 0600 from its first byte and the
 * store refuses to use it once others can read it.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = "file";
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, "private-keys.json");
  }

  /** Without the lock: every write replaces the file whole, so a read sees one version of it. */
  async get(account: string): Promise<string | undefined> {
    return (await this.read()).get(account);
  }

  set(account: string, secret: string): Promise<void> {
    return withFileLock(this.path, async () => {
      const secrets = await this.read();
      secrets.set(account, secret);
      await this.write(secrets);
    });
  }

  delete(account: string): Promise<boolean> {
    return withFileLock(this.path, async () => {
      const secrets = await this.read();
      if (!secrets.delete(account)) return false;
      await this.write(secrets);
      return true;
    });
  }

  private async read(): Promise<Secrets> {
    let mode: number;
    let text: string;
    try {
      mode = (await stat(this.path)).mode & 0o777;
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
      throw new KeystoreError(`cannot read ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.refuseIfOthersCanRead(mode);
    return this.parse(text);
  }

  private refuseIfOthersCanRead(mode: number): void {
    // Windows has no POSIX modes: stat reports 0o666 whatever the ACL says.
    if (process.platform === "win32") return;
    if (mode & 0o077) {
      throw new KeystoreError(
        `${this.path} holds private keys but other users may read it (mode ` +
          `${mode.toString(8).padStart(4, "0")}): run chmod 600 ${this.path}, and consider the ` +
          `keys in it exposed (create new ones)`,
      );
    }
  }

  private parse(text: string): Secrets {
    const corrupt = (why: string) =>
      new KeystoreError(
        `${this.path} is not a valid private-key file (${why}): restore it from a backup, or ` +
          `remove it and create new keys (the keys in it are lost)`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw corrupt((error as Error).message);
    }
    if (!isJsonObject(parsed)) {
      throw corrupt("expected a JSON object of kid to private key");
    }
    const secrets: Secrets = new Map();
    for (const [account, secret] of Object.entries(parsed)) {
      if (typeof secret !== "string") throw corrupt(`the entry of ${account} is not a string`);
      secrets.set(account, secret);
    }
    return secrets;
  }

  /** 0600 after every write, whatever mode the old file had. */
  private write(secrets: Secrets): Promise<void> {
    return writeJsonFile(this.path, Object.fromEntries(secrets), { mode: 0o600 });
  }
}
