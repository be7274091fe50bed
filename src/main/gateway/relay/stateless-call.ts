import { randomUUID } from "node:crypto";
import type { BridgeLease } from "./bridge-pool";
import { INPUT_CAPABILITY } from "./capabilities";
import type { ClientSink, PostReply } from "./client-sink";
import type { CallOrigin } from "./client-call";
import { ErrorCode, errorResponse, type RpcId, type RpcMessage } from "./jsonrpc";
import { LOG_LEVELS, type ModernEnvelope } from "./modern-envelope";
import type { RequestStateSigner } from "./request-state";

type Params = Record<string, unknown>;

/** Results a 2026-07-28 client may cache, and so must be told for how long and for whom. */
const CACHEABLE = new Set([
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
]);

/** The 2026-07-28 codes that mean the request itself was wrong: answered 400, as the spec says. */
const BAD_REQUEST_CODES = new Set<number>([
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
  ErrorCode.UnsupportedProtocolVersion,
]);

/** The most requests a target may have open with a caller at once (a round's `inputRequests`). */
const MAX_OPEN_INPUTS = 16;

/** What the gateway holds for a call while its caller gathers input. */
export interface WaitingCalls {
  add(key: string, call: StatelessCall): boolean;
  delete(key: string): void;
}

/**
 * One request of a stateless (2026-07-28) caller, relayed through a bridge session the gateway
 * holds for it, from its arrival until its final answer. It is the session's sink for the call
 * and turns what a 2025 target says into what the caller understands: results get
 * `resultType` and caching hints; a target's request to the client (elicitation, sampling,
 * roots) ends the HTTP answer with `input_required`, and the caller's retry, carrying the
 * answers and the signed `requestState`, feeds them to the target and continues the same call.
 */
export class StatelessCall implements ClientSink {
  onClientGone?: (sink: ClientSink) => void;
  /** The HTTP answer now due; none while the caller gathers input. */
  private reply: PostReply | undefined;
  private clientId: RpcId;
  /** Requests of the target still unanswered, by the key the caller answers them under. */
  private readonly openInputs = new Map<string, { id: RpcId; request: Params }>();
  private roundScheduled = false;
  private finished = false;
  private released = false;
  /** The target's answer, when it came while the caller was gathering input. */
  private settled: RpcMessage | undefined;
  private expiry: NodeJS.Timeout | undefined;

  /** Names this call in the `requestState` of its rounds; made at its first round. */
  private key: string | undefined;

  constructor(
    private readonly method: string,
    private readonly name: string | undefined,
    reply: PostReply,
    clientId: RpcId,
    private readonly envelope: ModernEnvelope,
    private readonly context: {
      origin: CallOrigin;
      owner: string;
      /** The route authenticates or filters: what it answers depends on the caller. */
      privateAnswers: boolean;
      signer: RequestStateSigner;
      waiting: WaitingCalls;
      waitMs: number;
      /** The bridge session the call runs in, given back once the target answered. */
      lease: BridgeLease;
    },
  ) {
    this.reply = this.watch(reply);
    this.clientId = clientId;
  }

  get open(): boolean {
    return !this.finished;
  }

  send(message: RpcMessage): void {
    if (this.finished) return;
    if (message.method === undefined) return this.answer(message);
    if (message.id !== undefined) return this.askCaller(message);
    if (message.method === "notifications/progress") return void this.reply?.send(message);
    if (message.method === "notifications/message" && this.wantsLog(message)) {
      this.reply?.send(message);
    }
  }

  /** The session dropped the call: cancelled, or the session itself ended. */
  abandon(): void {
    const why = "the call ended before its target answered (cancelled, or the targets went away)";
    this.reply?.send(errorResponse(this.clientId, ErrorCode.InternalError, why));
    this.finish();
  }

  /**
   * The HTTP answer now due did not begin in time (the route's requestTimeout): the session
   * withdraws the call from its target and answers it with `error`, under that status.
   */
  timeOut(error: { status: number; code: number; message: string }): void {
    if (this.reply) this.reply.status = error.status;
    this.context.lease.session.timeOut(this, error);
  }

  /**
   * The caller's retry: its answers go to the target's waiting requests, and the call goes on
   * on the retry's HTTP answer. An answer missing is asked again, as the spec advises.
   */
  resume(reply: PostReply, clientId: RpcId, responses: unknown): void {
    clearTimeout(this.expiry);
    this.clientId = clientId;
    if (this.settled) return this.deliverSettled(reply);
    this.reply = this.watch(reply);
    const given = (typeof responses === "object" && responses !== null ? responses : {}) as Params;
    for (const [key, open] of this.openInputs) {
      const result = given[key];
      if (typeof result !== "object" || result === null) continue;
      this.openInputs.delete(key);
      this.toTarget({ jsonrpc: "2.0", id: open.id, result: result as Params });
    }
    if (this.openInputs.size > 0) this.askForInput();
  }

  /**
   * The target's answer to the call. While the caller gathers input it is kept for the retry,
   * and the session is free for other calls meanwhile.
   */
  private answer(message: RpcMessage): void {
    if (message.result) this.complete(message.result);
    this.settled = message;
    this.release();
    if (this.reply) this.deliverSettled(this.reply);
  }

  private deliverSettled(reply: PostReply): void {
    const message = this.settled as RpcMessage;
    message.id = this.clientId;
    if (message.error && BAD_REQUEST_CODES.has(message.error.code)) reply.status = 400;
    this.finish();
    reply.send(message);
  }

  /** A result as 2026-07-28 has it: typed, and cacheable only as the route allows. */
  private complete(result: Params): void {
    result.resultType ??= "complete";
    if (result.resultType !== "complete" || !CACHEABLE.has(this.method)) return;
    if (typeof result.ttlMs !== "number" || !(result.ttlMs >= 0)) result.ttlMs = 0;
    const personal = this.context.privateAnswers || result.cacheScope === "private";
    result.cacheScope = personal ? "private" : "public";
  }

  /**
   * A target's request to the client during the call becomes an entry of the next
   * `input_required` round, if the caller declared it can answer it; requests that arrive
   * together go out in one round.
   */
  private askCaller(request: RpcMessage): void {
    const capability = INPUT_CAPABILITY.get(request.method as string);
    if (!capability || this.envelope.capabilities[capability] === undefined) {
      const why = `the caller did not declare the ${capability ?? request.method} capability`;
      return this.toTarget(errorResponse(request.id as RpcId, ErrorCode.MethodNotFound, why));
    }
    if (this.openInputs.size >= MAX_OPEN_INPUTS) {
      const why = `more than ${MAX_OPEN_INPUTS} requests to the caller at once`;
      return this.toTarget(errorResponse(request.id as RpcId, ErrorCode.InternalError, why));
    }
    const { method, params } = request;
    this.openInputs.set(String(request.id), {
      id: request.id as RpcId,
      request: { method, params },
    });
    if (this.roundScheduled || !this.reply) return;
    this.roundScheduled = true;
    setImmediate(() => {
      this.roundScheduled = false;
      if (!this.finished && this.reply) this.askForInput();
    });
  }

  /** Ends the HTTP answer with `input_required`; the call waits for the retry. */
  private askForInput(): void {
    const key = (this.key ??= randomUUID());
    if (!this.context.waiting.add(key, this)) {
      const why = "the gateway holds as many calls waiting for input as it will: retry later";
      this.reply?.send(errorResponse(this.clientId, ErrorCode.InternalError, why));
      return this.giveUp();
    }
    const inputRequests: Params = {};
    for (const [key, open] of this.openInputs) inputRequests[key] = open.request;
    const requestState = this.context.signer.issue({
      call: key,
      owner: this.context.owner,
      method: this.method,
      name: this.name,
    });
    const reply = this.reply;
    this.reply = undefined;
    reply?.send({
      jsonrpc: "2.0",
      id: this.clientId,
      result: { resultType: "input_required", inputRequests, requestState },
    });
    // A caller that never retries must not hold the session, nor the target's call, for ever.
    this.expiry = setTimeout(() => this.giveUp(), this.context.waitMs);
    this.expiry.unref();
  }

  /** Log lines reach the caller only when its request asked for them, from its level up. */
  private wantsLog(message: RpcMessage): boolean {
    const wanted = this.envelope.logLevel;
    if (wanted === undefined) return false;
    return LOG_LEVELS.indexOf(message.params?.level as string) >= LOG_LEVELS.indexOf(wanted);
  }

  private toTarget(answer: RpcMessage): void {
    this.context.lease.session.handle(answer, undefined, this.context.origin);
  }

  private watch(reply: PostReply): PostReply {
    reply.onClientGone = this.replyGone;
    return reply;
  }

  /**
   * An HTTP answer the caller closes early cancels the call, unless the call waits for input.
   * One function per call, not one per answer: a closure made on every call's path is what
   * made V8 allocate each call's objects straight into old space (see bench/RESULTS.md).
   */
  private readonly replyGone = (reply: ClientSink): void => {
    if (this.reply === reply) this.onClientGone?.(this);
  };

  /** The session stops the target's call, if it still runs; nothing more goes to the caller. */
  private giveUp(): void {
    this.reply = undefined;
    this.onClientGone?.(this);
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.expiry);
    if (this.key !== undefined) this.context.waiting.delete(this.key);
    this.release();
  }

  /** Gives the session back to the pool; what the target still asks is answered first. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    for (const open of this.openInputs.values()) {
      this.toTarget(errorResponse(open.id, ErrorCode.InternalError, "the call ended"));
    }
    this.openInputs.clear();
    this.context.lease.release();
  }
}
