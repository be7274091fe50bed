import { execFile } from "node:child_process";
import { createRequire } from "node:module";

const KEYTAR = createRequire(import.meta.url).resolve("@github/keytar");

// Runs in a child process: GLib connects to the session bus once per process and keeps it, so a
// probe in this process would pin it to the bus that was there before a private one started.
const PROBE = `
(async () => {
  const keytar = require(${JSON.stringify(KEYTAR)});
  const account = "test-probe-" + require("node:crypto").randomUUID();
  await keytar.setPassword("gatehouse", account, "probe");
  const read = await keytar.getPassword("gatehouse", account);
  await keytar.deletePassword("gatehouse", account);
  if (read !== "probe") throw new Error("an entry written to the keychain did not read back");
})().catch((error) => {
  process.stderr.write(error.message);
  process.exitCode = 1;
});
`;

/**
 * Writes, reads and deletes a probe entry in the keychain that `env` reaches. Resolves to
 * undefined when that worked, else to what went wrong.
 */
export function probeKeychain(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", PROBE], { env, timeout: 15_000 }, (error, _, stderr) => {
      if (!error) resolve(undefined);
      else resolve(stderr.trim() || error.message);
    });
  });
}
