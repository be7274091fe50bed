import { KeystoreError } from "../../src/main/keystore/keystore-error";
import type { SecretStore } from "../../src/main/keystore/secret-store";

/**
 * The keychain as a Map, for unit tests. `locked` makes every call fail the way an unreachable
 * keychain does. The real keychain is tested by its own suite and end to end.
 */
export class MemorySecretStore implements SecretStore {
  readonly kind = "keychain";
  readonly entries = new Map<string, string>();
  locked = false;

  async get(account: string): Promise<string | undefined> {
    this.check();
    return this.entries.get(account);
  }

  async set(account: string, secret: string): Promise<void> {
    this.check();
    this.entries.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.check();
    return this.entries.delete(account);
  }

  private check(): void {
    if (this.locked) throw new KeystoreError("the OS keychain is locked (test)");
  }
}
