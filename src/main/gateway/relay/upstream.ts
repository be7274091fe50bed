import type { Readable } from "node:stream";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { boundText } from "../bounded-text";
import type { TargetSpec } from "../../config/model";
import type { Fetch } from "../policies/policy";
import { LIST_CHANGES, type Capabilities } from "./capabilities";
import { isKnownLegacy, judgeDiscover, rememberEra, type Era } from "./era";
import { ASKS_FOR_INPUT, InputRound, type InputChannel } from "./input-round";
import { ErrorCode, errorResponse, MAX_MESSAGE_BYTES, type RpcMessage } from "./jsonrpc";
import { LOG_LEVELS } from "./modern-envelope";
import { ModernHttpTransport, type ModernSendOptions } from "./modern-http-transport";
import type { OpenApi } from "./openapi/openapi-api";
import { OpenApiTransport } from "./openapi/openapi-transport";
import { OutgoingEnvelope } from "./outgoing-envelope";
import { OversizedMessageError, StdioTransport } from "./stdio-transport";

type Params = Record<string, unknown>;

/** Whoever waits for the answer to a request sent to a target. */
export interface ResponseHandler {
  onUpstreamResponse(upstream: Upstream, response: RpcMessage): void;
}

export interface UpstreamEvents {
  /**
   * Whether the session passes a 2026-07-28 target's `input_required` results on to its client,
   * which then answers them itself; otherwise the upstream asks the client each question as a
   * 2025 target's request would, and the session sees only final answers.
   */
  readonly relaysInputRequired: boolean;
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
/**
 * How long a target whose era is not known yet gets to answer `server/discover`. A 2025 server
 * may never answer it, and a silent one costs this once (then its era is known); a modern one
 * slow to start is spoken to in 2025 first, refuses, and is found when probed again.
 */
const PROBE_TIMEOUT_MS = 2_000;
/** How much of a method name a target should not have sent is repeated in the log. */
const METHOD_SHOWN_MAX = 100;
/** How long a session's start waits for a target to acknowledge its change subscription. */
const LISTEN_ACK_WAIT_MS = 5_000;

/** How a person recognizes a target in an error message. */
function describeTarget(target: TargetSpec): string {
  return target.kind === "stdio" ? [target.cmd, ...target.args].join(" ") : target.url;
}

/**
 * The connection from one client session to one target: a spawned stdio process, or a
 * Streamable HTTP / SSE client. It renumbers requests so that the ids of different clients and
 * of the gateway itself never meet at the target, and it turns every way a target can fail into
 * a sentence that names the command or URL.
 *
 * It speaks either era of MCP, whichever `connect` finds the target speaks. To a 2026-07-28
 * target every request carries the client's `_meta` envelope, `ping` and `logging/setLevel`
 * (which it lacks) are answered here, and its `input_required` answers become requests to a
 * 2025 client, so that a session sees both eras alike.
 */
export class Upstream {
  readonly name: string;
  private transport: Transport;
  private readonly inFlight = new Map<number, ResponseHandler>();
  /** The rounds whose questions the client holds, by the id it was asked under. */
  private readonly questions = new Map<number, InputRound>();
  private readonly stderrTail: string[] = [];
  private nextId = 1;
  /** Why the target can no longer be used; set once. */
  private failure: string | undefined;
  private closed: Promise<void> | undefined;
  private declared: Capabilities = {};
  /** Set while the change subscription waits for its acknowledgement: settles the wait. */
  private listening: (() => void) | undefined;
  /** Unknown until `connect` found out; until then requests go out as a 2025 client's. */
  private era: Era | undefined;
  /** While `server/discover` waits: a process that ends then is a 2025 server, not a failure. */
  private probing = false;
  private envelope = new OutgoingEnvelope(undefined);

  /** Nothing is spawned or connected until `start`; `close` may come first. */
  constructor(
    readonly target: TargetSpec,
    private readonly events: UpstreamEvents,
    /** How HTTP targets are reached: fetch wrapped in the target's policies. */
    private readonly fetch: Fetch,
    /** An openapi target's API, which it serves in process. */
    private readonly api?: OpenApi,
  ) {
    this.name = target.name;
    this.transport = this.attach(createTransport(target, "legacy", fetch, api));
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

  /**
   * Finds out which era of MCP the started target speaks, as the spec's transport bindings
   * say, and opens the conversation in it: `server/discover` first, `initialize` if the target
   * answers that as a 2025 server would (any error but a 2026-07-28 one) or not at all in time.
   * A target known to speak 2025 is sent initialize at once. Either way the answer has the shape
   * of an answer to initialize, so that a session treats both eras alike; for a 2025 target it
   * is that answer.
   */
  async connect(initializeParams: Params | undefined, timeoutMs: number): Promise<RpcMessage> {
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(deadline - Date.now(), 0);
    this.envelope = new OutgoingEnvelope(initializeParams);
    try {
      // The SSE transport is 2025's only, and so is an OpenAPI target's server in process.
      const probes = this.target.kind === "stdio" || this.target.kind === "mcp";
      const remembered = probes && isKnownLegacy(this.target);
      let unanswered = false;
      if (probes && !remembered) {
        const probe = await this.probe(initializeParams, Math.min(PROBE_TIMEOUT_MS, timeoutMs));
        if (typeof probe !== "string") return probe;
        unanswered = probe === "unanswered";
      }
      const answer = await this.initialize(initializeParams, left(), unanswered);
      // 2025 was a guess: a refusal may come from a 2026-07-28 target that was slow to start
      // or has changed since it was remembered.
      if (answer.result || !(remembered || unanswered) || !this.alive) return answer;
      const probe = await this.probe(initializeParams, left());
      return typeof probe === "string" ? answer : probe;
    } catch (error) {
      // A transport that could not start again; close() meanwhile ends up here too.
      return errorResponse(null, ErrorCode.InternalError, (error as Error).message);
    }
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

  /**
   * Sends a request under a fresh id; the handler gets the response with that id. `headers`
   * (the client's `Mcp-Param-*`) go along where the target speaks 2026-07-28 over HTTP.
   */
  request(
    method: string,
    params: RpcMessage["params"],
    handler: ResponseHandler,
    headers?: Record<string, string>,
  ): void {
    if (this.era !== "modern" || this.failure !== undefined) {
      return this.dispatch(method, params, handler, headers);
    }
    switch (method) {
      case "ping": // gone from 2026-07-28: the target is there as long as it is not gone
        return this.answerHere(handler, { result: {} });
      case "logging/setLevel": // 2026-07-28 asks for a level on each request instead
        return this.setLogLevel(params?.level, handler);
    }
    const stamped = this.envelope.stamp(params);
    const askingClient = ASKS_FOR_INPUT.has(method) && !this.events.relaysInputRequired;
    const answerTo = askingClient
      ? new InputRound(handler, method, stamped, headers, this.inputChannel)
      : handler;
    this.dispatch(method, stamped, answerTo, headers);
  }

  /** A request the gateway itself makes, as a promise. */
  async call(method: string, params: RpcMessage["params"], timeoutMs: number): Promise<RpcMessage> {
    const answer = await this.ask(method, params, timeoutMs);
    return (
      answer ?? errorResponse(0, ErrorCode.InternalError, this.explainTimeout(method, timeoutMs))
    );
  }

  /** Notifications, and answers to the target's own requests, go out unchanged. */
  send(message: RpcMessage): void {
    if (this.failure !== undefined) return;
    if (this.era !== "modern") return this.transmit(message);
    // A 2026-07-28 target asks nothing itself: an answer is to one of its rounds' questions.
    if (message.method === undefined) return this.answerQuestion(message);
    // Nor does it take notifications, but the cancellation of a request (over HTTP, the
    // transport closes the request's response instead).
    if (message.method === "notifications/cancelled") this.transmit(message);
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
    for (const round of this.questions.values()) {
      if (round.handler === handler) round.withdraw(reason);
    }
  }

  /**
   * Takes in the target's answer to initialize: what it declared decides what it is sent, and
   * the protocol version negotiated goes on every later HTTP request. Settles once the target
   * listens: a 2026-07-28 target's change subscription is acknowledged (or refused, or it took
   * too long), so that a change made by the client's first call is not missed.
   */
  initialized(result: Record<string, unknown>): Promise<void> {
    this.declared = (result.capabilities ?? {}) as Capabilities;
    if (this.transport instanceof StreamableHTTPClientTransport) {
      this.transport.setProtocolVersion(String(result.protocolVersion));
    }
    if (this.era !== "modern") return Promise.resolve();
    return this.listenForChanges();
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

  /**
   * `server/discover`, the era probe: the target's answer in the shape of an answer to
   * initialize when it speaks 2026-07-28 (or the failure that ended it), `legacy` when it
   * answered as a 2025 server, `unanswered` when it was silent in time or its process ended.
   */
  private async probe(
    initializeParams: Params | undefined,
    timeoutMs: number,
  ): Promise<RpcMessage | "legacy" | "unanswered"> {
    await this.speak("modern");
    this.probing = true;
    const response = await this.ask("server/discover", this.envelope.stamp(undefined), timeoutMs);
    this.probing = false;
    if (!this.alive) return errorResponse(null, ErrorCode.InternalError, this.failure as string);
    const ended = this.target.kind === "stdio" && this.pid === null;
    if (response === undefined || ended) return "unanswered";
    const verdict = judgeDiscover(response, initializeParams, this.name);
    if (verdict.era === "legacy") return "legacy";
    this.era = "modern";
    rememberEra(this.target, "modern");
    return verdict.answer;
  }

  /**
   * The 2025 handshake. After a probe that went unanswered, a stdio target starts afresh, so
   * that a 2025 server meets initialize first: some end on any request before it, and a silent
   * one may still be busy with the probe.
   */
  private async initialize(
    initializeParams: Params | undefined,
    timeoutMs: number,
    afresh: boolean,
  ): Promise<RpcMessage> {
    await this.speak("legacy", afresh);
    this.era = "legacy";
    const answer = await this.call("initialize", initializeParams, timeoutMs);
    if (answer.result) rememberEra(this.target, "legacy");
    return answer;
  }

  /**
   * Makes the transport fit an era: over HTTP each era has its own; a stdio process speaks
   * either, but `afresh` replaces it with a new one.
   */
  private async speak(era: Era, afresh = false): Promise<void> {
    const speaksModern = this.transport instanceof ModernHttpTransport;
    const fits = this.target.kind !== "mcp" || speaksModern === (era === "modern");
    if (fits && !(afresh && this.target.kind === "stdio")) return;
    const previous = this.transport;
    previous.onmessage = previous.onclose = previous.onerror = undefined;
    await previous.close().catch(() => undefined);
    this.transport = this.attach(createTransport(this.target, era, this.fetch, this.api));
    await this.start();
  }

  private attach(transport: Transport): Transport {
    transport.onmessage = (message) => this.receive(message as unknown as RpcMessage);
    transport.onclose = () => this.transportClosed();
    // Other errors are lines that are not JSON-RPC: skipped, as they always were.
    transport.onerror = (error) => {
      if (error instanceof OversizedMessageError) this.refuseOversized(error.requestId);
    };
    return transport;
  }

  /** Sends a request as it is, under a fresh id. */
  private dispatch(
    method: string,
    params: RpcMessage["params"],
    handler: ResponseHandler,
    headers?: Record<string, string>,
  ): void {
    const id = this.nextId++;
    if (this.failure !== undefined) {
      handler.onUpstreamResponse(this, errorResponse(id, ErrorCode.InternalError, this.failure));
      return;
    }
    this.inFlight.set(id, handler);
    this.transmit({ jsonrpc: "2.0", id, method, params }, id, headers);
  }

  /**
   * A 2025 target announces changes to its lists unasked; a 2026-07-28 one on a
   * `subscriptions/listen` stream: one stays open for the changes it declared it announces.
   */
  private listenForChanges(): Promise<void> {
    const notifications: Params = {};
    for (const { flag, capability } of LIST_CHANGES) {
      if ((this.declared[capability] as Capabilities | undefined)?.listChanged) {
        notifications[flag] = true;
      }
    }
    if (Object.keys(notifications).length === 0) return Promise.resolve();
    const listening = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LISTEN_ACK_WAIT_MS);
      this.listening = () => {
        clearTimeout(timer);
        this.listening = undefined;
        resolve();
      };
    });
    this.dispatch("subscriptions/listen", this.envelope.stamp({ notifications }), this.unlistened);
    return listening;
  }

  /** The end of the change subscription, which only a target's refusal or failure brings. */
  private readonly unlistened: ResponseHandler = {
    onUpstreamResponse: (_upstream, response) => {
      this.listening?.();
      if (!response.error || !this.alive || this.closed) return;
      const reason = boundText(String(response.error.message), METHOD_SHOWN_MAX);
      this.events.onDropped(
        this,
        `target "${this.name}" ended its subscriptions/listen (${reason}): changes to its lists no longer reach the client`,
      );
    },
  };

  private setLogLevel(level: unknown, handler: ResponseHandler): void {
    if (this.envelope.setLogLevel(level)) return this.answerHere(handler, { result: {} });
    const message = `logging/setLevel needs a level, one of ${LOG_LEVELS.join(", ")}`;
    this.answerHere(handler, { error: { code: ErrorCode.InvalidParams, message } });
  }

  /** The answer to a request that the upstream answers itself. */
  private answerHere(handler: ResponseHandler, answer: Pick<RpcMessage, "result" | "error">): void {
    handler.onUpstreamResponse(this, { jsonrpc: "2.0", id: this.nextId++, ...answer });
  }

  /** A request as a promise of its answer, `undefined` when none came in time. */
  private ask(
    method: string,
    params: RpcMessage["params"],
    timeoutMs: number,
  ): Promise<RpcMessage | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.forget(handler);
        resolve(undefined);
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

  /** How input rounds reach the client and the target through this upstream. */
  private readonly inputChannel: InputChannel = {
    upstream: this,
    ask: (round, method, params) => {
      const id = this.nextId++;
      this.questions.set(id, round);
      this.events.onServerMessage(this, { jsonrpc: "2.0", id, method, params });
      return id;
    },
    withdraw: (id, reason) => {
      if (!this.questions.delete(id)) return;
      const params = { requestId: id, reason };
      this.events.onServerMessage(this, {
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params,
      });
    },
    resend: (round, method, params, headers) => this.dispatch(method, params, round, headers),
  };

  private answerQuestion(answer: RpcMessage): void {
    const id = answer.id as number;
    const round = this.questions.get(id);
    if (!round) return; // withdrawn meanwhile
    this.questions.delete(id);
    round.answer(id, answer);
  }

  /** The handler's requests in flight are forgotten: their ids, to cancel them at the target. */
  private forget(handler: ResponseHandler): number[] {
    const ids: number[] = [];
    for (const [id, waiting] of this.inFlight) {
      if (waiting === handler || (waiting instanceof InputRound && waiting.handler === handler)) {
        this.inFlight.delete(id);
        ids.push(id);
      }
    }
    return ids;
  }

  private transmit(
    message: RpcMessage,
    requestId?: number,
    headers?: Record<string, string>,
  ): void {
    const options: ModernSendOptions | undefined = headers && { headers };
    this.transport.send(message as unknown as JSONRPCMessage, options).catch((error: unknown) => {
      if (requestId === undefined) return;
      this.settle(
        requestId,
        errorResponse(requestId, ErrorCode.InternalError, this.explain(error)),
      );
    });
  }

  private receive(message: RpcMessage): void {
    if (message.method === undefined) {
      // A response nobody waits for was cancelled or timed out: it is dropped.
      this.settle(message.id as number, message);
    } else if (this.era !== "modern") {
      this.events.onServerMessage(this, message);
    } else if (message.id !== undefined) {
      const method = boundText(message.method, METHOD_SHOWN_MAX);
      this.events.onDropped(
        this,
        `target "${this.name}" sent a request (${method}), which a 2026-07-28 server does not; it was dropped`,
      );
    } else if (message.method === "notifications/subscriptions/acknowledged") {
      this.listening?.();
    } else {
      this.events.onServerMessage(this, message);
    }
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
    // Some 2025 servers end on any request before initialize; connect starts one again.
    if (this.probing) return this.failRequests(`target "${this.name}" ended`);
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
    const asking = new Set(this.questions.values());
    this.questions.clear();
    for (const round of asking) {
      round.handler.onUpstreamResponse(this, errorResponse(null, ErrorCode.InternalError, reason));
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
    const seconds = Number((timeoutMs / 1000).toFixed(1));
    return `target "${this.name}" (${describeTarget(this.target)}) did not answer ${method} within ${seconds}s${this.stderrSuffix()}`;
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

/** The transport to a target in an era: a stdio process speaks either, HTTP has one for each. */
function createTransport(
  target: TargetSpec,
  era: Era,
  fetch: Fetch,
  api: OpenApi | undefined,
): Transport {
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
      return era === "modern"
        ? new ModernHttpTransport(new URL(target.url), fetch)
        : new StreamableHTTPClientTransport(new URL(target.url), {
            fetch,
          });
    case "sse":
      return new SSEClientTransport(new URL(target.url), { fetch });
    case "openapi":
      if (!api) throw new Error(`target "${target.name}" has no API to serve`);
      return new OpenApiTransport(api, new URL(target.url).origin, fetch);
  }
}
