import { probeKeychain } from "./keychain-probe";
import {
  privateSecretServiceReason,
  startPrivateSecretService,
  type PrivateSecretService,
} from "./private-secret-service";

/**
 * Vitest global setup: makes the keychain tests self-contained on Linux. Where no Secret Service
 * works (CI, containers, SSH sessions), it starts a private D-Bus session with an unlocked
 * gnome-keyring and points DBUS_SESSION_BUS_ADDRESS at it; the test workers start after this
 * and inherit the variable, and so do the processes that tests spawn. Where the tools are
 * missing, it changes nothing and the keychain tests skip, saying why (test/setup/keychain.ts).
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.platform !== "linux" || privateSecretServiceReason) return undefined;
  if ((await probeKeychain(process.env)) === undefined) return undefined;
  let service: PrivateSecretService;
  try {
    service = await startPrivateSecretService();
  } catch (error) {
    // The rest of the suite does not need a keychain: run it, and let the keychain tests skip
    // with the probe's reason in their titles.
    console.warn(`could not start a private Secret Service: ${(error as Error).message}`);
    return undefined;
  }
  process.env.DBUS_SESSION_BUS_ADDRESS = service.address;
  return () => service.stop();
}
