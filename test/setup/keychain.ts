import { describe } from "vitest";
import { probeKeychain } from "./keychain-probe";

/**
 * Why the OS keychain cannot be tested here, or undefined when it works: found by writing,
 * reading and deleting a probe entry in the keychain this test process reaches (the private one
 * that test/setup/secret-service.ts starts when there is no other).
 */
export const keychainReason: string | undefined = await whyNoKeychain();

async function whyNoKeychain(): Promise<string | undefined> {
  const failure = await probeKeychain(process.env);
  if (failure === undefined) return undefined;
  if (process.platform !== "linux") return `the OS keychain does not work here: ${failure}`;
  return `no Secret Service here: install gnome-keyring, dbus and dbus-x11 (see .ci/run); ${failure}`;
}

/**
 * A describe that is skipped when `skipReason` is set, with the reason in its title: vitest
 * reports skipped tests by title only, and a skip nobody can explain hides a broken setup.
 */
export function describeUnless(
  skipReason: string | undefined,
  name: string,
  body: () => void,
): void {
  if (skipReason) describe.skip(`${name} (skipped: ${skipReason})`, body);
  else describe(name, body);
}
