import { KeystoreError } from "./keystore-error";
import { SECRET_SERVICE_NAME, type SecretStore } from "./secret-store";

type Keytar = typeof import("@github/keytar");

const HEADLESS_RECIPE =
  "dbus-run-session -- sh -c 'echo -n <password> | " +
  "gnome-keyring-daemon --unlock --components=secrets; gatehouse ...'";
const FILE_FALLBACK =
  "To keep private keys in a plain file instead (insecure), set GATEHOUSE_KEYSTORE=file.";

/**
 * Private keys in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux) through keytar: service `gatehouse`, account = the key's kid.
 *
 * On a locked Secret Service, reads find nothing (get → undefined) and deletes delete nothing
 * (→ false) without an error; only writes fail. See missingSecretMessage for the reads.
 */
export class KeychainStore implements SecretStore {
  readonly kind = "keychain";

  async get(account: string): Promise<string | undefined> {
    const secret = await useKeytar((keytar) => keytar.getPassword(SECRET_SERVICE_NAME, account));
    return secret ?? undefined;
  }

  async set(account: string, secret: string): Promise<void> {
    await useKeytar((keytar) => keytar.setPassword(SECRET_SERVICE_NAME, account, secret));
  }

  async delete(account: string): Promise<boolean> {
    return useKeytar((keytar) => keytar.deletePassword(SECRET_SERVICE_NAME, account));
  }
}

async function useKeytar<T>(operation: (keytar: Keytar) => Promise<T>): Promise<T> {
  const keytar = await loadKeytar();
  try {
    return await operation(keytar);
  } catch (error) {
    throw keychainError(error);
  }
}

/**
 * Loaded on first use, so that importing the keystore (for the JWKS, in the renderer's build,
 * in tests) never loads the native module, and a machine where it cannot load still runs
 * everything but the keychain.
 */
async function loadKeytar(): Promise<Keytar> {
  try {
    // keytar is CommonJS: Node's ESM loader exposes all of its functions only on `default`.
    const module = (await import("@github/keytar")) as Keytar & { default?: Keytar };
    return module.default ?? module;
  } catch (error) {
    throw new KeystoreError(
      `the OS keychain cannot be used: its native module (@github/keytar) did not load ` +
        `(${messageOf(error)}). Reinstall Gatehouse. ${FILE_FALLBACK}`,
      { cause: error },
    );
  }
}

/** Turns what libsecret, macOS or Windows said into what the user can do about it. */
function keychainError(error: unknown): KeystoreError {
  const detail = messageOf(error);
  if (/autolaunch|dbus-launch|Could not connect|org\.freedesktop\.secrets/i.test(detail)) {
    return new KeystoreError(
      `the OS keychain is not available: no Secret Service is running (${detail}). In a ` +
        `desktop session, start one (gnome-keyring or KWallet) and unlock it; on a headless ` +
        `machine, run gatehouse inside one: ${HEADLESS_RECIPE}. ${FILE_FALLBACK}`,
      { cause: error },
    );
  }
  // gnome-keyring: "Cannot create an item in a locked collection"; macOS, when it may not ask
  // the user to unlock: "User interaction is not allowed."
  if (/locked|User interaction is not allowed/i.test(detail)) {
    const howToUnlock =
      process.platform === "darwin"
        ? "run `security unlock-keychain` or open Keychain Access"
        : `open "Passwords and Keys" (Seahorse) or log in again; on a headless machine, run ` +
          `gatehouse in a session whose keyring is unlocked: ${HEADLESS_RECIPE}`;
    return new KeystoreError(
      `the OS keychain is locked (${detail}): unlock it and retry: ${howToUnlock}.`,
      { cause: error },
    );
  }
  // A Secret Service without a default keyring points the "default" alias at nothing.
  if (/Object does not exist at path|No such secret collection/i.test(detail)) {
    return new KeystoreError(
      `the OS keychain has no default keyring to keep keys in (${detail}): create one in ` +
        `"Passwords and Keys" (Seahorse) and make it the default; on a headless machine, ` +
        `gnome-keyring-daemon --unlock creates one: ${HEADLESS_RECIPE}. ${FILE_FALLBACK}`,
      { cause: error },
    );
  }
  return new KeystoreError(`the OS keychain failed: ${detail}`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
