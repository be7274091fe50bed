import type { SecretStore } from "./secret-store";

/**
 * An error the user can act on. Its message says what is wrong and how to fix it, because the
 * message is all that reaches them: the CLI and the UI show `.message`, never a stack.
 */
export class KeystoreError extends Error {
  override name = "KeystoreError";
}

/**
 * For a key whose metadata says it has a private part that the secret store did not return.
 * A locked keychain reads as "no entry" (libsecret answers reads on a locked collection with
 * nothing), so the store alone cannot tell the two apart: only the caller knows the entry must
 * exist, and this message names both causes.
 */
export function missingSecretMessage(kid: string, kind: SecretStore["kind"]): string {
  const removedFix =
    `if it was removed, delete the key (gatehouse keys delete ${kid} --yes) and create ` +
    `a new one`;
  if (kind === "file") {
    return (
      `the private key of ${kid} is not in the private-key file (GATEHOUSE_KEYSTORE=file): ` +
      `the key may have been created in the OS keychain (then unset GATEHOUSE_KEYSTORE), or ` +
      `the entry was removed; ${removedFix}`
    );
  }
  return (
    `the private key of ${kid} is not in the OS keychain: the keychain may be locked (unlock it ` +
    `and retry), the key may have been created with GATEHOUSE_KEYSTORE=file (then set it ` +
    `again), or the entry was removed; ${removedFix}`
  );
}
