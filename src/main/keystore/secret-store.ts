/**
 * Where private keys live: the OS keychain (through the keytar API), or, only on explicit
 * opt-in (`GATEHOUSE_KEYSTORE=file`), a 0600 file. One entry per key, under the service name
 * `gatehouse` and the key's kid as the account.
 */
export interface SecretStore {
  readonly kind: "keychain" | "file";
  /**
   * undefined when there is no such entry, and also when the keychain is locked: libsecret reads
   * a locked collection as empty, without an error. A caller that knows the entry must exist
   * reports missingSecretMessage(). A keychain that cannot be reached throws KeystoreError.
   */
  get(account: string): Promise<string | undefined>;
  /** Throws KeystoreError, saying how to fix it, when the keychain is locked or unreachable. */
  set(account: string, secret: string): Promise<void>;
  /** false when there was no such entry, and also when a locked keychain deleted nothing. */
  delete(account: string): Promise<boolean>;
}

export const SECRET_SERVICE_NAME = "gatehouse";
