import type { Readable } from "node:stream";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { TargetSpec } from "../../../shared/config/model";
import type { Capabilities } from "./capabilities";
import { ErrorCode, errorResponse, MAX_MESSAGE_BYTES, type RpcMessage } from "./jsonrpc";
import { OversizedMessageError, StdioTransport } from "./stdio-transport";

/** Whoever waits for the answer to a request sent to a target. */
export interface ResponseHandler {
  onUpstreamResponse(upstream: Upstream, response: RpcMessage): void;
}

export interface UpstreamEvents {
  /** A notification, or a request the target sends to the client (sampling, roots, ...). */
  onServerMessage(upstream: Upstream, message: RpcMessage): void;
  onStderr(upstream: Upstream, line: string): void;
  /** The target went away while the session still needed it. */
  onGone(upstream: Upstream, reason: string): void;
  /** A message from the target was dropped, and no request could be failed in its place. */
  onDropped(upstream: Upstream, reason: string): void;
}

const STDERR_TAIL_LINES = 20;
const STDERR_LINE_MAX = 500;
const MESSAGE_LIMIT = `${MAX_MESSAGE_BYTES / 1024 / 1024} MiB, the gateway's limit for one message`;

/** How a person recognizes a target in an error message. */
function describeTarget(target: TargetSpec): string {
  return target.kind === "stdio" ? [target.cmd, ...target.args].join(" ") : target.url;
}

/**
 * The connection from one client session to one target: a spawned stdio process, or a
 * Streamable HTTP / SSE client. It renumbers requests so that the ids of different clients and
 * of the gateway itself never meet at the target, and it turns every way a target can fail into
 * a sentence that names the command or URL.
 */
export class Upstream {
  readonly name: string;
  private readonly transport: Transport;
  private readonly inFlight = new Map<number, ResponseHandler>();
  private readonly stderrTail: string[] = [];
  private nextId = 1;
  /** Why the target can no longer be used; set once. */
  private failure: string | undefined;
  private closed: Promise<void> | undefined;
  private declared: Capabilities = {};

  /** Nothing is spawned or connected until `start`; `close` may come first. */
  constructor(
    readonly target: TargetSpec,
    private readonly events: UpstreamEvents,
    credentials: Credentials,
  ) {
    this.name = target.name;
    this.transport = createTransport(target, credentials);
    this.transport.onmessage = (message) => this.receive(message as unknown as RpcMessage);
    this.transport.onclose = () => this.transportClosed();
    // Other errors are lines that are not JSON-RPC: skipped, as they always were.
    this.transport.onerror = (error) => {
      if (error instanceof OversizedMessageError) this.refuseOversized(error.requestId);
    };
  }

  /** Spawns or connects; rejects with a message that says which target failed and why. */
  async start(): Promise<void> {
    if (this.closed) throw new Error(`target "${this.name}" was closed`);
    try {
      await this.transport.start();
    } catch (error) {
      this.failure = this.explain(error);
      throw new Error(this.failure, { cause: error });
    }
    // Until read, what it wrote waits in the pipe: nothing is lost before this line.
    if (this.transport instanceof StdioTransport) this.captureStderr(this.transport.stderr);
  }

  /** What the target declared in its answer to initialize. */
  get capabilities(): Capabilities {
    return this.declared;
  }

  get alive(): boolean {
    return this.failure === undefined;
  }

  /** The target's last stderr lines, for a person working out why it failed. */
  get stderrLines(): string[] {
    return [...this.stderrTail];
  }

  /**
   * The process id of a stdio target while it runs, so that an exiting gateway can leave no
   * orphan: it leads the process group of the target and whatever the target started.
   */
  get pid(): number | null {
    return this.transport instanceof StdioTransport ? this.transport.pid : null;
  }

  /** Sends a request under a fresh id; the handler gets the response with that id. */
  request(method: string, params: RpcMessage["params"], handler: ResponseHandler): void {
    const id = this.nextId++;
    if (this.failure !== undefined) {
      handler.onUpstreamResponse(this, errorResponse(id, ErrorCode.InternalError, this.failure));
      return;
    }
    this.inFlight.set(id, handler);
    this.transmit({ jsonrpc: "2.0", id, method, params }, id);
  }

  /** A request the gateway itself makes (initialize), as a promise. */
  call(method: string, params: RpcMessage["params"], timeoutMs: number): Promise<RpcMessage> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.forget(handler);
        resolve(errorResponse(0, ErrorCode.InternalError, this.explainTimeout(method, timeoutMs)));
      }, timeoutMs);
      const handler: ResponseHandler = {
        onUpstreamResponse: (_upstream, response) => {
          clearTimeout(timer);
          resolve(response);
        },
      };
      this.request(method, params, handler);
    });
  }

  /** Notifications, and answers to the target's own requests, go out unchanged. */
  send(message: RpcMessage): void {
    if (this.failure === undefined) this.transmit(message);
  }

  /** Stops waiting for the handler's requests and tells the target to stop working on them. */
  cancel(handler: ResponseHandler, reason: string): void {
    for (const requestId of this.forget(handler)) {
      this.send({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason },
      });
    }
  }

  /**
   * Takes in the target's answer to initialize: what it declared decides what it is sent, and
   * the protocol version negotiated goes on every later HTTP request.
   */
  initialized(result: Record<string, unknown>): void {
    this.declared = (result.capabilities ?? {}) as Capabilities;
    if (this.transport instanceof StreamableHTTPClientTransport) {
      this.transport.setProtocolVersion(String(result.protocolVersion));
    }
  }

  /** Every caller gets the same promise: it settles once a stdio target's process has exited. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    this.failRequests(`target "${this.name}" was closed`);
    if (this.transport instanceof StreamableHTTPClientTransport) {
      await this.transport.terminateSession().catch(() => undefined);
    }
    await this.transport.close().catch(() => undefined);
  }

  private forget(handler: ResponseHandler): number[] {
    const ids: number[] = [];
    for (const [id, waiting] of this.inFlight) {
      if (waiting === handler) {
        this.inFlight.delete(id);
        ids.push(id);
      }
    }
    return ids;
  }

  private transmit(message: RpcMessage, requestId?: number): void {
    this.transport.send(message as unknown as JSONRPCMessage).catch((error: unknown) => {
      if (requestId === undefined) return;
      this.settle(
        requestId,
        errorResponse(requestId, ErrorCode.InternalError, this.explain(error)),
      );
    });
  }

  private receive(message: RpcMessage): void {
    if (message.method !== undefined) {
      this.events.onServerMessage(this, message);
      return;
    }
    // A response nobody waits for was cancelled or timed out: it is dropped.
    this.settle(message.id as number, message);
  }

  /** Hands the response to request `id` to its handler; false when nobody waits for it. */
  private settle(id: number, response: RpcMessage): boolean {
    const handler = this.inFlight.get(id);
    if (!handler) return false;
    this.inFlight.delete(id);
    handler.onUpstreamResponse(this, response);
    return true;
  }

  /** A message beyond the limit was skipped: the request it answered fails, saying why. */
  private refuseOversized(requestId: number | undefined): void {
    if (requestId !== undefined) {
      const answer = `target "${this.name}" answered with a message larger than ${MESSAGE_LIMIT}`;
      if (this.settle(requestId, errorResponse(requestId, ErrorCode.InternalError, answer))) return;
    }
    const dropped = `target "${this.name}" sent a message larger than ${MESSAGE_LIMIT}; it was dropped`;
    this.events.onDropped(this, dropped);
  }

  private transportClosed(): void {
    if (this.closed || this.failure !== undefined) return;
    // The child's last stderr lines may still be in the pipe when 'close' fires.
    setImmediate(() => {
      this.failure = `target "${this.name}" (${describeTarget(this.target)}) exited unexpectedly${this.stderrSuffix()}`;
      this.failRequests(this.failure);
      this.events.onGone(this, this.failure);
    });
  }

  private failRequests(reason: string): void {
    const waiting = [...this.inFlight];
    this.inFlight.clear();
    for (const [id, handler] of waiting) {
      handler.onUpstreamResponse(this, errorResponse(id, ErrorCode.InternalError, reason));
    }
  }

  private captureStderr(stream: Readable | null): void {
    if (!stream) return;
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      // Only the start of a line is recorded: a line that never ends must not grow without end.
      partial = (lines.pop() ?? "").slice(0, STDERR_LINE_MAX);
      for (const line of lines) this.recordStderr(line);
    });
    stream.on("end", () => partial && this.recordStderr(partial));
  }

  private recordStderr(raw: string): void {
    const line = raw.trimEnd().slice(0, STDERR_LINE_MAX);
    if (!line) return;
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.events.onStderr(this, line);
  }

  private stderrSuffix(): string {
    return this.stderrTail.length ? `; its last stderr lines: ${this.stderrTail.join(" | ")}` : "";
  }

  private explainTimeout(method: string, timeoutMs: number): string {
    return `target "${this.name}" (${describeTarget(this.target)}) did not answer ${method} within ${timeoutMs / 1000}s${this.stderrSuffix()}`;
  }

  /** Turns spawn and network errors into a sentence that names the target. */
  private explain(error: unknown): string {
    const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const what = describeTarget(this.target);
    if (this.target.kind === "stdio") {
      if (err.code === "ENOENT") {
        return `target "${this.name}" failed to start: command "${this.target.cmd}" was not found (is it installed and on PATH?)`;
      }
      if (err.code === "EACCES") {
        return `target "${this.name}" failed to start: command "${this.target.cmd}" is not executable`;
      }
      return `target "${this.name}" (${what}) failed: ${err.message}${this.stderrSuffix()}`;
    }
    const cause = err.cause?.code ?? err.cause?.message;
    const detail = cause ? `${cause}` : err.message;
    if (cause || /fetch failed|ECONNREFUSED|ENOTFOUND/.test(err.message)) {
      return `target "${this.name}" is unreachable at ${what}: ${detail}`;
    }
    return `target "${this.name}" at ${what} failed: ${err.message}`;
  }
}

/**
 * The client's token for HTTP targets, when `backendAuth.passthrough` keeps it; otherwise the
 * token never leaves the gateway (it authenticated the client to the gateway, not to the target).
 */
type Credentials = () => string | undefined;

function withCredentials(credentials: Credentials): typeof fetch {
  return (url, init) => {
    const token = credentials();
    if (token === undefined) return fetch(url, init);
    const headers = new Headers(init?.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return fetch(url, { ...init, headers });
  };
}

function createTransport(target: TargetSpec, credentials: Credentials): Transport {
  switch (target.kind) {
    case "stdio":
      return new StdioTransport({
        command: target.cmd,
        args: target.args,
        // Inherit the gateway's environment as agentgateway does: servers started with npx or
        // uvx need PATH, HOME, proxies and credentials that a minimal environment would drop.
        // clearEnv still keeps the few variables the SDK always passes (PATH, HOME, USER, ...).
        env: {
          ...(target.clearEnv ? getDefaultEnvironment() : (process.env as Record<string, string>)),
          ...target.env,
        },
      });
    case "mcp":
      return new StreamableHTTPClientTransport(new URL(target.url), {
        fetch: withCredentials(credentials),
      });
    case "sse":
      return new SSEClientTransport(new URL(target.url), { fetch: withCredentials(credentials) });
  }
}
