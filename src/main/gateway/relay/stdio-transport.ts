import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import spawn from "cross-spawn";
import { isRpcMessage, MAX_MESSAGE_BYTES } from "./jsonrpc";

export interface StdioCommand {
  command: string;
  args: string[];
  /** The whole environment of the process. */
  env: Record<string, string>;
}

/**
 * A line from the target longer than MAX_MESSAGE_BYTES, skipped. `requestId` is the id of the
 * response it carried, when it was one and its id could be read.
 */
export class OversizedMessageError extends Error {
  constructor(readonly requestId: number | undefined) {
    super(`a message larger than ${MAX_MESSAGE_BYTES} bytes was skipped`);
  }
}

const WINDOWS = process.platform === "win32";
const NEWLINE = 0x0a;
/** How long a target gets to exit after its stdin closed, and again after SIGTERM. */
const GRACE_MS = 2_000;
/** How much of the start and the end of an oversized line is kept to find its id. */
const EDGE_BYTES = 256;

/**
 * Sends a signal to a target and everything it started: its process group, which it leads, as
 * it was spawned detached. Windows has no process groups; there the process alone gets it.
 * Returns false when nothing was left to signal.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(WINDOWS ? pid : -pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The MCP stdio transport to a target process: newline-delimited JSON-RPC on its stdin and
 * stdout. Unlike the SDK's, it takes messages as large as the gateway takes from clients,
 * collects a long line's chunks instead of concatenating them again for each one, checks a
 * message's shape once instead of validating it against the whole MCP schema, and skips a line
 * beyond the limit rather than closing the target. Its close stops the whole process group
 * and resolves once the process has exited.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  /** Settles when the process has exited, or when it could not be started. */
  private ended: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  /** The current line's pieces so far, while it is within the limit. */
  private pieces: Buffer[] = [];
  private lineBytes = 0;
  /** The first and last bytes of an oversized line that is being skipped. */
  private skipped: { head: Buffer; tail: Buffer } | undefined;

  constructor(private readonly command: StdioCommand) {}

  /** The process id while the process runs; it leads its process group. */
  get pid(): number | null {
    const child = this.child;
    const running = child?.exitCode === null && child.signalCode === null;
    return running && child.pid !== undefined ? child.pid : null;
  }

  get stderr(): Readable | null {
    return this.child?.stderr ?? null;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error("the process was started already"));
    const child = spawn(this.command.command, this.command.args, {
      env: this.command.env,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      windowsHide: true,
      // Its own process group, so that stopping it stops what it started too.
      detached: !WINDOWS,
    });
    this.child = child;
    // 'exit' when it ran; only 'close' when it could not be started.
    this.ended = new Promise((resolve) => child.once("exit", resolve).once("close", resolve));
    child.once("close", () => this.onclose?.());
    child.on("error", (error) => this.onerror?.(error));
    child.stdin?.on("error", (error) => this.onerror?.(error));
    child.stdout?.on("error", (error) => this.onerror?.(error));
    child.stdout?.on("data", (chunk: Buffer) => this.read(chunk));
    return new Promise((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin?.writable) {
        reject(new Error("the process is not running"));
        return;
      }
      stdin.write(JSON.stringify(message) + "\n", (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Every caller gets the same promise, which settles once the process has exited. */
  close(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async stop(): Promise<void> {
    const child = this.child;
    const pid = child?.pid;
    if (pid === undefined) return; // it never ran
    // A server ends when its input does; one that does not gets SIGTERM, then SIGKILL.
    child?.stdin?.end();
    if (!(await settlesWithin(this.ended, GRACE_MS))) {
      killProcessGroup(pid, "SIGTERM");
      if (!(await settlesWithin(this.ended, GRACE_MS))) {
        killProcessGroup(pid, "SIGKILL");
        await settlesWithin(this.ended, GRACE_MS);
      }
    }
    // What it started and left running in its group would be orphans from now on.
    if (!WINDOWS) killProcessGroup(pid, "SIGKILL");
  }

  // ---- reading -------------------------------------------------------------------------

  private read(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.endLine(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length) this.collect(chunk.subarray(start));
  }

  private collect(piece: Buffer): void {
    this.lineBytes += piece.length;
    if (this.skipped) {
      this.skipped.tail = lastBytes(this.skipped.tail, piece);
      return;
    }
    this.pieces.push(piece);
    if (this.lineBytes <= MAX_MESSAGE_BYTES) return;
    const head = Buffer.concat(this.pieces, EDGE_BYTES);
    this.skipped = { head, tail: this.pieces.reduce(lastBytes, Buffer.alloc(0)) };
    this.pieces = [];
  }

  private endLine(last: Buffer): void {
    // Usually the whole line came in one chunk: it is parsed where it lies.
    if (this.lineBytes === 0 && last.length <= MAX_MESSAGE_BYTES) return this.parse(last);
    this.collect(last);
    const skipped = this.skipped;
    if (skipped) {
      this.onerror?.(new OversizedMessageError(responseId(skipped.head, skipped.tail)));
    } else {
      this.parse(Buffer.concat(this.pieces, this.lineBytes));
    }
    this.pieces = [];
    this.lineBytes = 0;
    this.skipped = undefined;
  }

  private parse(line: Buffer): void {
    if (line.length === 0) return;
    try {
      const message: unknown = JSON.parse(line.toString("utf8"));
      if (!isRpcMessage(message)) throw new Error("the line is not a JSON-RPC message");
      this.onmessage?.(message as unknown as JSONRPCMessage);
    } catch (error) {
      // As with the SDK's transport, a bad line is reported and skipped; the target lives on.
      this.onerror?.(error as Error);
    }
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** The last EDGE_BYTES of `before` followed by `piece`. */
function lastBytes(before: Buffer, piece: Buffer): Buffer {
  if (piece.length >= EDGE_BYTES) return piece.subarray(piece.length - EDGE_BYTES);
  const both = Buffer.concat([before, piece]);
  return both.subarray(Math.max(0, both.length - EDGE_BYTES));
}

/**
 * The id of the response an oversized line carried, read from its top-level keys: those before
 * its first nested value and after its last one, as encoders write `jsonrpc` and `id` before or
 * after `result`. Undefined for a request or a notification (a top-level `method`), or when the
 * id is not there.
 */
function responseId(head: Buffer, tail: Buffer): number | undefined {
  const start = head.toString("latin1");
  const end = tail.toString("latin1").trimEnd();
  const beforeNested = start.slice(0, firstNested(start));
  const afterNested = end.slice(lastNested(end) + 1);
  const topLevel = `${beforeNested} ${afterNested}`;
  if (/"method"\s*:/.test(topLevel)) return undefined;
  const id = /"id"\s*:\s*(\d+)/.exec(topLevel)?.[1];
  return id === undefined ? undefined : Number(id);
}

/** Where the first object or array inside the top-level object opens. */
function firstNested(start: string): number {
  const open = start.indexOf("{") + 1;
  const nested = start.slice(open).search(/[[{]/);
  return nested === -1 ? start.length : open + nested;
}

/** Where the last object or array inside the top-level object closes. */
function lastNested(end: string): number {
  const inner = end.slice(0, end.lastIndexOf("}"));
  return Math.max(inner.lastIndexOf("}"), inner.lastIndexOf("]"));
}
