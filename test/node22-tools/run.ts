import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where `npm test` installs the clients that need Node 22 (see package.json here). */
const BIN = fileURLToPath(new URL("./node_modules/.bin", import.meta.url));

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of those clients (`conformance`, `inspector`) with this directory's Node 22 first on
 * PATH, so that its `#!/usr/bin/env node` finds Node 22 while the tests stay on the system's.
 * It gets a home of its own, removed afterwards, and no D-Bus session: Inspector keeps a catalog
 * in the home and probes the OS keychain, which are the user's and the keychain tests' own.
 * It is killed after `timeoutMs`; the run still resolves, with what it printed so far.
 */
export async function runNode22Tool(
  bin: string,
  args: string[],
  options: { timeoutMs: number },
): Promise<ToolRun> {
  const home = await mkdtemp(join(tmpdir(), "gatehouse-node22-home-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PATH: BIN + delimiter + process.env.PATH,
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  try {
    return await run(bin, args, options.timeoutMs, env);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function run(
  bin: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      `${BIN}/${bin}`,
      args,
      {
        env,
        timeout: timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
