import { REQUEST_TIMEOUT } from "../policies/timeout";
import type { Capabilities } from "./capabilities";
import type { CallOrigin } from "./client-call";
import { PostReply } from "./client-sink";
import { callOrigin, rejectExchange, sessionOwner, type Exchange } from "./exchange";
import { BridgePool, type BridgeLease } from "./bridge-pool";
import { ErrorCode, type RpcMessage } from "./jsonrpc";
import { listen } from "./listen-stream";
import { META, readEnvelope, SERVED_VERSIONS, type ModernEnvelope } from "./modern-envelope";
import { expireAtDeadline } from "./request-deadline";
import { RequestStateSigner } from "./request-state";
import type { SessionContext } from "./session";
import { StatelessCall } from "./stateless-call";

type Params = Record<string, unknown>;

/** The methods of 2026-07-28 the gateway serves; any other is 404 with -32601, as it requires. */
const STATELESS_METHODS = new Set([
  "server/discover",
  "subscriptions/listen",
  "tools/list",
  "tools/call",
  "prompts/list",
  "prompts/get",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "completion/complete",
]);

/** How long a call waits for its caller to come back with the input a target asked for. */
const INPUT_WAIT_MS = 5 * 60_000;
/** Calls waiting for input at once, across callers: each holds a session and a target's call. */
const MAX_WAITING_CALLS = 1_000;

/**
 * Serves 2026-07-28 callers, which have no session: each request stands alone with its version
 * and capabilities in `_meta`. The gateway relays it through a bridge session it holds toward
 * the targets (2025 handshake and all), so that the same relay, names and policies serve both
 * revisions, and runs the input rounds a 2025 target's requests to the client need.
 */
export class StatelessBridge {
  readonly pool: BridgePool;
  private readonly signer = new RequestStateSigner(INPUT_WAIT_MS);
  private readonly waitingCalls = new Map<string, StatelessCall>();
  private readonly waiting = {
    add: (key: string, call: StatelessCall) =>
      this.waitingCalls.has(key) || this.waitingCalls.size < MAX_WAITING_CALLS
        ? (this.waitingCalls.set(key, call), true)
        : false,
    delete: (key: string) => void this.waitingCalls.delete(key),
  };

  constructor(private readonly context: SessionContext) {
    this.pool = new BridgePool(context, 30 * 60_000);
  }

  async serve(ex: Exchange, message: RpcMessage): Promise<void> {
    if (message.id === undefined) {
      // 2026-07-28 defines no notification a client sends over HTTP: there is nothing to do.
      ex.res.writeHead(202, ex.headers).end();
      ex.report(202, { method: message.method });
      return;
    }
    const envelope = readEnvelope(ex.req.headers, message);
    if ("error" in envelope) {
      const { status, error } = envelope;
      return rejectExchange(ex, status, error.code, error.message, {
        id: message.id,
        data: error.data,
        log: { method: message.method },
      });
    }
    if (!STATELESS_METHODS.has(message.method as string)) {
      return rejectExchange(
        ex,
        404,
        ErrorCode.MethodNotFound,
        `Method not found: ${message.method}`,
        {
          id: message.id,
          log: { method: message.method },
        },
      );
    }
    const owner = sessionOwner(ex);
    const params = (message.params ?? {}) as Params;
    if (RequestStateSigner.isOwn(params.requestState)) return this.resume(ex, message, owner);

    const origin = callOrigin(ex, 200);
    const asks = inputCapabilityKey(envelope.capabilities);
    const key = `${owner}\u0000${asks}`;
    // An idle session is lent at once: most calls need not wait for one, nor for a promise.
    const lease =
      this.pool.leaseIdle(key) ??
      (await this.pool.lease(key, ex.route, inputCapabilities(asks), origin));
    if ("error" in lease) {
      return rejectExchange(ex, 503, ErrorCode.InternalError, lease.error, { id: message.id });
    }
    switch (message.method) {
      case "server/discover":
        return this.discover(ex, message, lease);
      case "subscriptions/listen":
        return listen(ex, message, lease, origin, (listener) => this.pool.listen(key, listener));
      default:
        return this.relay(ex, message, envelope, lease, origin, owner);
    }
  }

  /** Stops every bridge session; resolves once their targets have stopped. */
  close(): Promise<void> {
    return this.pool.closeAll();
  }

  private relay(
    ex: Exchange,
    message: RpcMessage,
    envelope: ModernEnvelope,
    lease: BridgeLease,
    origin: CallOrigin,
    owner: string,
  ): void {
    const reply = new PostReply(ex.res, 1, false, ex.headers);
    const name = message.params?.name ?? message.params?.uri;
    const call = new StatelessCall(
      message.method as string,
      typeof name === "string" ? name : undefined,
      reply,
      message.id as string | number,
      envelope,
      {
        origin,
        owner,
        privateAnswers: isPrivate(ex),
        signer: this.signer,
        waiting: this.waiting,
        waitMs: INPUT_WAIT_MS,
        lease,
      },
    );
    lease.session.handle(message, call, origin);
    expireAtDeadline(ex.res, ex.deadline, () => call.timeOut(REQUEST_TIMEOUT));
  }

  /** A retry that carries the gateway's own `requestState`: it continues a waiting call. */
  private resume(ex: Exchange, message: RpcMessage, owner: string): void {
    const params = message.params as Params;
    const verified = this.signer.verify(params.requestState as string);
    const refuse = (why: string) =>
      rejectExchange(
        ex,
        400,
        ErrorCode.InvalidParams,
        `${why}: send the request again without it`,
        {
          id: message.id,
          log: { method: message.method, denied: true },
        },
      );
    if ("problem" in verified) return refuse(verified.problem);
    const { claims } = verified;
    const name = params.name ?? params.uri;
    if (claims.owner !== owner) return refuse("requestState was issued to another caller");
    if (claims.method !== message.method || claims.name !== name) {
      return refuse("requestState was issued for another request");
    }
    const call = this.waitingCalls.get(claims.call);
    if (!call) return refuse("requestState belongs to a call that is no longer waiting");
    this.waitingCalls.delete(claims.call);
    const reply = new PostReply(ex.res, 1, false, ex.headers);
    call.resume(reply, message.id as string | number, params.inputResponses);
    expireAtDeadline(ex.res, ex.deadline, () => call.timeOut(REQUEST_TIMEOUT));
  }

  /** The gateway's own answer: the revisions it serves and what its targets can do. */
  private discover(ex: Exchange, message: RpcMessage, lease: BridgeLease): void {
    lease.release();
    const { capabilities, serverInfo, instructions } = lease.initialized;
    // Tasks moved to an extension in 2026-07-28, shaped otherwise than the 2025 tasks relayed.
    const served = { ...(capabilities as Capabilities | undefined) };
    delete served.tasks;
    const result = {
      resultType: "complete",
      supportedVersions: SERVED_VERSIONS,
      capabilities: served,
      ...(typeof instructions === "string" && { instructions }),
      _meta: { [META.serverInfo]: serverInfo },
      ttlMs: 0,
      cacheScope: isPrivate(ex) ? "private" : "public",
    };
    const reply = new PostReply(ex.res, 1, false, ex.headers);
    reply.send({ jsonrpc: "2.0", id: message.id, result });
    ex.report(200, { method: message.method });
  }
}

/** A route that authenticates or filters answers each caller for itself. */
function isPrivate(ex: Exchange): boolean {
  return ex.route.variesByCaller;
}

/**
 * The capabilities that let a target ask the caller something, as letters in a fixed order:
 * `s`ampling, `r`oots, elicitation in `f`orm and `u`rl mode. Callers that declare the same
 * share bridge sessions, which declare exactly these to their targets. Nothing else counts, so
 * that a caller cannot open ever more sessions by varying what it declares.
 */
function inputCapabilityKey(declared: Capabilities): string {
  const elicitation = declared.elicitation as Capabilities | undefined;
  let key = declared.sampling !== undefined ? "s" : "";
  if (declared.roots !== undefined) key += "r";
  if (elicitation !== undefined) {
    // An empty elicitation capability means form mode, as the spec has it.
    if (elicitation.form !== undefined || elicitation.url === undefined) key += "f";
    if (elicitation.url !== undefined) key += "u";
  }
  return key;
}

/** What a bridge session of that key declares to its targets. */
function inputCapabilities(key: string): Capabilities {
  const capabilities: Capabilities = {};
  if (key.includes("s")) capabilities.sampling = {};
  if (key.includes("r")) capabilities.roots = {};
  if (key.includes("f") || key.includes("u")) {
    capabilities.elicitation = {
      ...(key.includes("f") && { form: {} }),
      ...(key.includes("u") && { url: {} }),
    };
  }
  return capabilities;
}
