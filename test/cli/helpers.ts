import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(ROOT, "bin", "gatehouse.js");
export const LAUNCH = join(ROOT, "scripts", "launch.js");

/**
 * Every CLI run gets a data folder of its own test file, never the developer's real one, so a
 * local `gatehouse init` cannot change what the tests see.
 */
export const TEST_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), "gatehouse-data-")),
};

/** A process under test, with everything it has written so far. */
export interface Running {
  child: ChildProcess;
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited; never rejects. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Running>();

/**
 * Starts `node <script> ...args`. Each process leads its own process group, so that cleanup can
 * take down whatever it started (stdio targets, the gateway behind launch.js) in one kill.
 */
export function start(
  args: string[],
  options: { script?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Running {
  const child = spawn(process.execPath, [options.script ?? CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? TEST_ENV,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const proc: Running = {
    child,
    pid: child.pid as number,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    // 'close', not 'exit': by then every byte the process wrote has been read.
    exited: new Promise((resolve) =>
      child.once("close", (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      }),
    ),
  };
  running.add(proc);
  return proc;
}

/** Runs the CLI to completion, for commands that exit by themselves. */
export async function run(
  args: string[],
  timeoutMs = 15_000,
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = start(args, { env });
  const { code } = await within(proc.exited, timeoutMs, `gatehouse ${args.join(" ")} to exit`);
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** Kills every process group still running, and waits until each leader is gone. */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const proc of left) {
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      // the group is already empty
    }
  }
  await Promise.all(left.map((proc) => within(proc.exited, 5_000, `pid ${proc.pid} to die`)));
}

export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A port that was free a moment ago: the OS picks it, the probe releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:<port>. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

const tempDirs: string[] = [];

export function writeTemp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-"));
  tempDirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export function removeTemps(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The `mcp:` shorthand with Gatehouse's demo server as its one stdio target. */
export function demoConfig(port: number): string {
  const quote = (value: string) => JSON.stringify(value);
  return [
    "mcp:",
    `  port: ${port}`,
    "  targets:",
    "    - name: demo",
    "      stdio:",
    `        cmd: ${quote(process.execPath)}`,
    `        args: [${quote(CLI)}, "demo-server"]`,
    "",
  ].join("\n");
}

/** Waits for the startup banner, which is written once every listener is bound. */
export function serving(proc: Running, port: number): Promise<void> {
  return waitFor(`the banner for port ${port}`, () => {
    if (proc.child.exitCode !== null) {
      throw new Error(`gatehouse exited with ${proc.child.exitCode}:\n${proc.stderr}`);
    }
    return proc.stderr.includes(`http://localhost:${port}/mcp`);
  });
}

export async function connect(port: number): Promise<Client> {
  const client = new Client({ name: "gatehouse-cli-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return client;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((part) => part.text ?? "").join("");
}

/** One agentgateway-style text line: `<time>\t<level>\t<message> k=v k="v w" ...`. */
export interface LogLine {
  time: string;
  level: string;
  message: string;
  fields: Record<string, string>;
}

export function parseLogLines(stdout: string): LogLine[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [time = "", level = "", rest = ""] = line.split("\t");
      const fields: Record<string, string> = {};
      for (const [, key, value] of rest.matchAll(/(\S+?)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
        fields[key as string] = value?.startsWith('"') ? JSON.parse(value) : (value as string);
      }
      return { time, level, message: rest.split(" ")[0] as string, fields };
    });
}

/** Processes whose parent is `pid`, from `ps`, so the test sees what the OS sees. */
export function childrenOf(pid: number): { pid: number; args: string }[] {
  const table = execFileSync("ps", ["-A", "-o", "pid=,ppid=,args="], { encoding: "utf8" });
  return table.split("\n").flatMap((row) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(row);
    return match && Number(match[2]) === pid
      ? [{ pid: Number(match[1]), args: match[3] as string }]
      : [];
  });
}

/** A zombie has exited: it only waits for a parent to read its status. */
export function isRunning(pid: number): boolean {
  try {
    const state = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
    return !state.trim().startsWith("Z");
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}
