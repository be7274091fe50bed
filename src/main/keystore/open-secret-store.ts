import { dataDir } from "./data-dir";
import { FileSecretStore } from "./file-secret-store";
import { KeychainStore } from "./keychain-store";
import { KeystoreError } from "./keystore-error";
import type { SecretStore } from "./secret-store";

/**
 * The secret store the environment asks for: the OS keychain unless GATEHOUSE_KEYSTORE=file
 * opts in to a plain file in the data folder. Opening touches nothing: a keychain that does not
 * work fails on first use, with a message that says how to fix it.
 */
export function openSecretStore(env: NodeJS.ProcessEnv = process.env): SecretStore {
  const choice = env.GATEHOUSE_KEYSTORE;
  if (choice === undefined || choice === "" || choice === "keychain") return new KeychainStore();
  if (choice === "file") return new FileSecretStore(dataDir(env));
  throw new KeystoreError(
    `GATEHOUSE_KEYSTORE=${choice} is not a keystore: use keychain (the default: the OS ` +
      `keychain) or file (a 0600 file in the data folder, insecure)`,
  );
}
