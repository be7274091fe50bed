import { execFile, spawn } from "node:child_process";
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
  try {
    return await run(bin, args, options.timeoutMs, toolEnvironment(home));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** A client run on a terminal of its own, read while it runs: for the ones that ask a person. */
export interface TerminalRun {
  /** Everything it wrote to the terminal so far, without colours or links. */
  output(): string;
  /** Its exit code, once it exits or is killed after `timeoutMs`. */
  exited: Promise<number>;
}

/**
 * Runs a client as `runNode22Tool` does, but on a pseudo-terminal (util-linux `script`, part
 * of every Debian), as a person at a terminal would: some clients (Inspector's OAuth sign-in)
 * refuse to ask for anything without one. Its stdout and stderr arrive mixed on the terminal.
 */
export async function startNode22ToolOnTerminal(
  bin: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<TerminalRun> {
  const home = await mkdtemp(join(tmpdir(), "gatehouse-node22-home-"));
  const command = [`${BIN}/${bin}`, ...args].map(shellQuoted).join(" ");
  const child = spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], {
    env: { ...toolEnvironment(home), NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let text = "";
  const append = (chunk: Buffer) => (text += chunk.toString());
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const exited = new Promise<number>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      void rm(home, { recursive: true, force: true }).then(() => resolve(code ?? -1));
    });
  });
  return { output: () => text.replace(TERMINAL_CONTROLS, ""), exited };
}

/** Colours (CSI), links (OSC 8) and carriage returns: what a terminal shows, not what was said. */
// eslint-disable-next-line no-control-regex -- these are the control sequences to remove
const TERMINAL_CONTROLS = /\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g;

function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Node 22 first on PATH, a home of its own, and no D-Bus session (see `runNode22Tool`). */
function toolEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PATH: BIN + delimiter + process.env.PATH,
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
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
