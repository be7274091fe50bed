import { execFile } from "node:child_process";
import { delimiter } from "node:path";
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
 * It is killed after `timeoutMs`; the run still resolves, with what it printed so far.
 */
export function runNode22Tool(
  bin: string,
  args: string[],
  options: { timeoutMs: number; cwd?: string },
): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      `${BIN}/${bin}`,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, PATH: BIN + delimiter + process.env.PATH },
        timeout: options.timeoutMs,
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
