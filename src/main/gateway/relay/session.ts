import { randomUUID } from "node:crypto";
import { boundText } from "../bounded-text";
import type { TargetSpec } from "../../config/model";
import type { RouteTargets } from "../runtime";
import type { RequestEvent, TargetEvent } from "../log-event";
import type { Decision } from "../policies/cel";
import type { LogBus } from "../log-bus";
import { LIST_CHANGES, neededCapability, serves } from "./capabilities";
import { ClientCall, type AdjustResult, type CallOrigin } from "./client-call";
import type { ClientSink, SseStream } from "./client-sink";
import { ErrorCode, errorResponse, type RpcId, type RpcMessage } from "./jsonrpc";
import {
  decodeCursor,
  LIST_METHODS,
  mergeAcknowledgements,
  mergeInitialize,
  mergeLists,
  type ListSpec,
  type Part,
} from "./merge";
import { Namespace, type ItemKind, type Resolved } from "./namespace";
import { SessionPins, type ToolPins } from "./session-pins";
import { TargetDirectory } from "./target-directory";
import { Upstream, type UpstreamEvents } from "./upstream";

export interface SessionContext {
  bus: LogBus;
  gatewayInfo: { name: string; version: string };
  /** How long a target may take to start and answer `initialize` (npx may download first). */
  initializeTimeoutMs: number;
  /** Where tool definitions are pinned; without it, none is. */
  toolPins?: ToolPins;
}

/** A request a target sent to the client, waiting for the client's answer. */
interface ServerRequest {
  upstream: Upstream;
  upstreamId: RpcId;
  progressToken: unknown;
}

type Params = Record<string, unknown>;

/**
 * Targets talk first right after `initialized` (list changes, roots requests), often before the
 * client has opened its stream; that much is kept for it, the oldest dropped beyond.
 */
const BACKLOG_LIMIT = 100;
/** Item names and URIs are short; a longer one in an error is cut, as it is in the log. */
const ECHOED_NAME_MAX = 256;
type StartedTarget = { target: string; upstream: Upstream; result: Params };
type FailedTarget = { error: string };
/** Where a task's result names its task, so that the client sees the id it was given. */
const RELATED_TASK = "io.modelcontextprotocol/related-task";
/** The list a target's `list_changed` notification is about. */
const LIST_CHANGED: ReadonlyMap<string, ItemKind> = new Map(
  LIST_CHANGES.map(({ method, kind }) => [method, kind]),
);

/**
 * One client's MCP session and its connections to every target of the route. The session
 * looks at each message once: it handles the few methods that multiplexing needs (initialize,
 * the lists, calls routed by name) and passes everything else through with its id remapped, in
 * both directions, so progress, cancellation, logging and server requests cross unchanged.
 */
export class RelaySession implements UpstreamEvents {
  readonly id = randomUUID();
  private state: "new" | "initializing" | "ready" | "closed" = "new";
  /** The targets that are up, in the order of the config once the session is ready. */
  private upstreams: Upstream[] = [];
  /** Targets that initialize spawned or connected and that are not up yet. */
  private readonly starting = new Set<Upstream>();
  private stopped: Promise<void> | undefined;
  private readonly byName = new Map<string, Upstream>();
  private namespace = new Namespace([], "conditional");
  /** Which target offers an unprefixed name (`prefixMode: never` with several targets). */
  private directory: TargetDirectory | undefined;
  /** Which tools are listed with their pinned definition, for targets that pin them. */
  private pins: SessionPins | undefined;
  /** The Streamable HTTP GET stream, or the legacy SSE stream: for what no call is waiting on. */
  private stream: SseStream | undefined;
  private readonly calls = new Map<RpcId, ClientCall>();
  private readonly callsByProgressToken = new Map<unknown, ClientCall>();
  private readonly serverRequests = new Map<number, ServerRequest>();
  private nextServerRequestId = 1;
  private nextOwnRequestId = 1;
  /** The caller's latest token, forwarded to HTTP targets under `backendAuth.passthrough`. */
  /** The bearer token the caller presented last, for targets that are sent it. */
  private callerToken: string | undefined;
  /** The latest request the client sent, for what HTTP targets are sent on its behalf. */
  private served: CallOrigin | undefined;
  /** What targets sent while the client had no stream open; delivered when one opens. */
  private backlog: RpcMessage[] = [];
  private lastActivity = Date.now();

  /**
   * `changes`, given to a bridge session (one the gateway holds for stateless 2026-07-28
   * callers), takes the change notifications of its targets: they belong to the callers'
   * `subscriptions/listen` streams, not to the response stream of whichever call is open.
   */
  constructor(
    private readonly route: RouteTargets,
    private readonly context: SessionContext,
    private readonly onClosed: (session: RelaySession) => void,
    private readonly changes?: (message: RpcMessage) => void,
  ) {}

  get closed(): boolean {
    return this.state === "closed";
  }

  /**
   * A bridge session's callers speak 2026-07-28 and answer `input_required` themselves; a 2025
   * client must be asked a 2026-07-28 target's questions as requests.
   */
  get relaysInputRequired(): boolean {
    return this.changes !== undefined;
  }

  get hasStream(): boolean {
    return this.stream?.open === true;
  }

  /** Process ids of the stdio targets this session spawned. */
  get pids(): number[] {
    return [...this.upstreams, ...this.starting].flatMap((upstream) => upstream.pid ?? []);
  }

  idleSince(now: number): number {
    return this.calls.size > 0 || this.hasStream ? 0 : now - this.lastActivity;
  }

  /** The target and own name of an item, where its name or a list this session saw says it. */
  resolve(kind: ItemKind, exposed: string): Resolved | undefined {
    const resolved = this.namespace.resolve(kind, exposed);
    if (resolved || !this.directory) return resolved;
    const target = this.directory.owner(kind, exposed);
    return target === undefined ? undefined : { target, name: exposed };
  }

  attachStream(stream: SseStream): void {
    this.stream = stream;
    const waiting = this.backlog;
    this.backlog = [];
    for (const message of waiting) stream.send(message);
  }

  detachStream(stream: SseStream): void {
    if (this.stream === stream) this.stream = undefined;
  }

  /**
   * Takes one message from the client. `reply` is where the answer to a request goes; without
   * it (legacy SSE) answers go to the session's stream.
   */
  handle(message: RpcMessage, reply: ClientSink | undefined, origin: CallOrigin): void {
    this.lastActivity = Date.now();
    this.callerToken = origin.access.caller.token ?? this.callerToken;
    this.served = origin;
    if (message.method === undefined) return this.answerServerRequest(message);
    if (message.id === undefined) return this.relayNotification(message);

    const sink = reply ?? this.stream;
    if (!sink) return;
    if (reply) reply.onClientGone = this.clientWentAway;
    if (this.calls.has(message.id)) {
      const duplicate = `request id ${message.id} is already in use`;
      sink.send(errorResponse(message.id, ErrorCode.InvalidRequest, duplicate));
      return;
    }
    const meta = message.params?._meta as Params | undefined;
    const progressToken = meta?.progressToken as string | number | undefined;
    const call = new ClientCall(
      message.id,
      message.method,
      sink,
      origin,
      progressToken,
      this.finish,
    );
    this.calls.set(call.id, call);
    if (progressToken !== undefined) this.callsByProgressToken.set(progressToken, call);
    // Whatever the call sends its targets goes within its watch (its span, for HTTP targets).
    if (call.watch) call.watch.around(() => this.dispatch(call, message.params));
    else this.dispatch(call, message.params);
  }

  /**
   * A request the gateway makes in this session itself (its own initialize, a subscription for
   * a stateless caller), as a promise of the answer. Its ids cannot meet a client's numbers.
   */
  ask(method: string, params: Params, origin: CallOrigin): Promise<RpcMessage> {
    return new Promise((resolve) => {
      const answer: ClientSink = {
        open: true,
        send: (message) => {
          if (message.method === undefined) resolve(message); // not the targets' own messages
        },
        abandon: () =>
          resolve(errorResponse(null, ErrorCode.InternalError, `${method} got no answer`)),
      };
      const id = `gatehouse-${this.nextOwnRequestId++}`;
      this.handle({ jsonrpc: "2.0", id, method, params }, answer, origin);
    });
  }

  /**
   * Ends the session and stops its targets, those still starting too. Every caller gets the same
   * promise; it settles once every target has stopped (a stdio target's process has exited).
   */
  close(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.state = "closed";
    for (const call of this.calls.values()) call.sink.abandon();
    this.calls.clear();
    this.stream?.close();
    this.callsByProgressToken.clear();
    // Those still starting are reported by startTarget, which sees the session closed.
    for (const upstream of this.upstreams) this.reportTarget(upstream.name, "closed");
    const targets = [...this.upstreams, ...this.starting];
    this.stopped = Promise.all(targets.map((upstream) => upstream.close())).then(() => undefined);
    this.onClosed(this);
    return this.stopped;
  }

  private dispatch(call: ClientCall, params: Params | undefined): void {
    if (call.method === "initialize") {
      void this.initialize(call, params);
      return;
    }
    if (this.state !== "ready") {
      call.fail(
        ErrorCode.InvalidRequest,
        "the session is not initialized yet: send initialize first",
      );
      return;
    }
    const list = LIST_METHODS[call.method];
    if (list) return this.fanOutList(call, params, list);
    switch (call.method) {
      case "tools/call":
        return this.routeByName(call, params, "tool");
      case "prompts/get":
        return this.routeByName(call, params, "prompt");
      case "resources/read":
      case "resources/subscribe":
      case "resources/unsubscribe":
        return this.routeByUri(call, params);
      case "completion/complete":
        return this.routeCompletion(call, params);
      case "tasks/get":
      case "tasks/result":
      case "tasks/cancel":
        return this.routeTask(call, params);
      case "ping":
        // With several targets the gateway is the server, and it is alive.
        return this.namespace.multiplexed ? call.resolve({}) : this.forwardToAll(call, params);
      case "logging/setLevel":
        return this.forwardToAll(call, params);
      default:
        return this.forwardUnknown(call, params);
    }
  }

  // ---- initialize ------------------------------------------------------------------------

  private async initialize(call: ClientCall, params: Params | undefined): Promise<void> {
    if (this.state !== "new") {
      call.fail(ErrorCode.InvalidRequest, "this session is already initialized");
      return;
    }
    this.state = "initializing";
    const { targets } = this.route.backend;
    const names = targets.map((target) => target.name);
    // mcpGuardrails may refuse it before any target starts; nobody can use the session then.
    const admitted = await call.admitted(names, undefined);
    if (!admitted || this.closed) {
      await this.close();
      return;
    }
    const outcomes = await Promise.all(targets.map((target) => this.startTarget(target, params)));
    if (this.closed) return; // close() stopped every target, and nobody waits for the answer
    const started = outcomes.filter((o): o is StartedTarget => "upstream" in o);
    const failures = outcomes.filter((o): o is FailedTarget => "error" in o).map((o) => o.error);
    if (
      started.length === 0 ||
      (failures.length > 0 && this.route.backend.failureMode === "failClosed")
    ) {
      call.failInternal(failures.join("; "));
      await this.close();
      return;
    }
    for (const failure of failures) {
      this.context.bus.notice("warn", `${failure} (failOpen: serving the other targets)`, {
        session: this.id,
      });
    }
    this.upstreams = started.map(({ upstream }) => upstream);
    for (const { upstream } of started) this.byName.set(upstream.name, upstream);
    await Promise.all(started.map(({ upstream, result }) => upstream.initialized(result)));
    if (this.closed) return;
    this.namespace = new Namespace(names, this.route.backend.prefixMode);
    if (this.namespace.needsDirectory) {
      this.directory = new TargetDirectory(this.upstreams, (message) =>
        this.context.bus.noticeOnce("error", message),
      );
    }
    const { toolPins } = this.context;
    if (toolPins) this.pins = new SessionPins(toolPins, call.origin.route, this.upstreams);
    this.state = "ready";
    call.resolve(mergeInitialize(started, params?.protocolVersion, this.context.gatewayInfo));
  }

  /**
   * Starts one target. It counts as starting from before it spawns until it is up or, having
   * failed, has stopped, so that close() can stop it at any moment.
   */
  private async startTarget(
    target: TargetSpec,
    params: Params | undefined,
  ): Promise<StartedTarget | FailedTarget> {
    this.reportTarget(target.name, "starting");
    const upstream = new Upstream(
      target,
      this,
      this.route.fetchFor(
        target,
        () => this.callerToken,
        () => this.served,
      ),
      target.kind === "openapi" ? this.route.apiOf(target) : undefined,
    );
    this.starting.add(upstream);
    const outcome = await this.handshake(upstream, params);
    if ("error" in outcome) await upstream.close();
    this.starting.delete(upstream);
    if (this.closed) {
      this.reportTarget(target.name, "closed");
    } else if ("error" in outcome) {
      this.reportTarget(target.name, "failed", {
        error: outcome.error,
        stderrTail: upstream.stderrLines,
      });
    } else {
      this.upstreams.push(upstream);
      this.reportTarget(target.name, "up");
    }
    return outcome;
  }

  /** Spawns or connects a target and initializes it: its answer, or why it failed. */
  private async handshake(
    upstream: Upstream,
    params: Params | undefined,
  ): Promise<StartedTarget | FailedTarget> {
    try {
      await upstream.start();
    } catch (error) {
      return { error: (error as Error).message };
    }
    const response = await upstream.connect(params, this.context.initializeTimeoutMs);
    if (response.result && !response.error) {
      return { target: upstream.name, upstream, result: response.result };
    }
    const reason = response.error?.message ?? "an empty answer";
    return {
      error: upstream.alive ? `target "${upstream.name}" refused initialize: ${reason}` : reason,
    };
  }

  // ---- calls routed to one target --------------------------------------------------------

  private routeByName(call: ClientCall, params: Params | undefined, kind: "tool" | "prompt"): void {
    const exposed = params?.name;
    if (typeof exposed !== "string") {
      call.fail(ErrorCode.InvalidParams, `${call.method} needs a "name" parameter`);
      return;
    }
    this.locate(call, kind, exposed, params as Params);
  }

  private routeByUri(call: ClientCall, params: Params | undefined): void {
    const exposed = params?.uri;
    if (typeof exposed !== "string") {
      call.fail(ErrorCode.InvalidParams, `${call.method} needs a "uri" parameter`);
      return;
    }
    this.locate(call, "resource", exposed, params as Params);
  }

  private routeCompletion(call: ClientCall, params: Params | undefined): void {
    const ref = params?.ref as Params | undefined;
    const [kind, field] =
      ref?.type === "ref/prompt" ? (["prompt", "name"] as const) : (["resource", "uri"] as const);
    const exposed = ref?.[field];
    if (typeof exposed !== "string") {
      call.fail(
        ErrorCode.InvalidParams,
        "completion/complete needs a prompt or resource reference",
      );
      return;
    }
    this.locate(call, kind, exposed, params as Params);
  }

  /**
   * Tasks live at the target that created them; the id the client holds says which one. The
   * caller created the task in this session, where its call was already authorized.
   */
  private routeTask(call: ClientCall, params: Params | undefined): void {
    const exposed = params?.taskId;
    const resolved = typeof exposed === "string" && this.namespace.resolve("task", exposed);
    const upstream = resolved && this.byName.get(resolved.target);
    if (!resolved || !upstream) {
      const shown = typeof exposed === "string" ? boundText(exposed, ECHOED_NAME_MAX) : "";
      call.fail(ErrorCode.InvalidParams, `Unknown task: ${shown}`);
      return;
    }
    call.target = resolved.target;
    (params as Params).taskId = resolved.name;
    call.forward(upstream, params, this.exposing(this.exposeTask));
  }

  /**
   * Finds the target of a name and forwards the call there, with target and name recorded on
   * the call for the log. A name without a prefix (`prefixMode: never`) that no list named yet
   * is looked up among what the targets offer. An item the caller may not use is answered
   * exactly like one that does not exist, so that a caller learns nothing about what is hidden.
   */
  private locate(call: ClientCall, kind: ItemKind, exposed: string, params: Params): void {
    const resolved = this.resolve(kind, exposed);
    if (resolved || !this.directory) return this.admit(call, kind, exposed, resolved, params);
    const directory = this.directory;
    void directory.find(kind, exposed).then((targets) => {
      const policy = call.origin.mcpAuthorization;
      const usable = (target: string) =>
        policy?.decide(call.origin.access, kind, target, exposed).allowed !== false;
      // Only a caller who may use one of them learns that the name is not unique.
      if (targets.length > 1 && targets.some(usable)) {
        call.fail(ErrorCode.InvalidParams, directory.explain(kind, exposed));
        return;
      }
      const [target] = targets;
      const found = target === undefined ? undefined : { target, name: exposed };
      this.admit(call, kind, exposed, found, params);
    });
  }

  private admit(
    call: ClientCall,
    kind: ItemKind,
    exposed: string,
    resolved: Resolved | undefined,
    params: Params,
  ): void {
    const upstream = resolved && this.byName.get(resolved.target);
    if (resolved) {
      call.target = resolved.target;
      call.name = resolved.name;
    }
    const decision = resolved && this.authorize(call, kind, resolved, params);
    call.reason = decision?.reason;
    call.denied = decision?.allowed === false;
    if (call.denied) call.rule = call.origin.mcpAuthorization?.rulePath(decision as Decision);
    if (!upstream || call.denied) return refuseAsUnknown(call, kind, exposed);
    this.forwardLocated(call, params, upstream);
  }

  /** What mcpAuthorization decides for a located item: a tool call with its arguments. */
  private authorize(
    call: ClientCall,
    kind: ItemKind,
    { target, name }: Resolved,
    params: Params,
  ): Decision | undefined {
    const policy = call.origin.mcpAuthorization;
    const { access } = call.origin;
    return call.method === "tools/call"
      ? policy?.decideCall(access, target, name, params.arguments)
      : policy?.decide(access, kind, target, name);
  }

  /** Sends a call whose item was found to its target, under the item's own name there. */
  private forwardLocated(call: ClientCall, params: Params, upstream: Upstream): void {
    switch (call.method) {
      case "tools/call":
        return this.forwardTool(call, params, upstream);
      case "prompts/get":
        params.name = call.name;
        return call.forward(upstream, params, this.exposing(this.exposePromptMessages));
      case "completion/complete": {
        const ref = params.ref as Params;
        ref[ref.type === "ref/prompt" ? "name" : "uri"] = call.name;
        return call.forward(upstream, params);
      }
      default: // resources/read, subscribe, unsubscribe
        params.uri = call.name;
        return call.forward(upstream, params, this.exposing(this.exposeContents));
    }
  }

  /**
   * A tool goes to its target only while it is listed with its pinned definition; otherwise
   * it is refused exactly as a hidden one.
   */
  private forwardTool(call: ClientCall, params: Params, upstream: Upstream): void {
    const send = (allowed: boolean) => {
      if (this.closed) return; // the listing outlived the session
      if (allowed) {
        params.name = call.name;
        return call.forward(upstream, params, this.exposing(this.exposeToolResult));
      }
      call.denied = true;
      call.reason = this.pins?.refusal(upstream.name, call.name as string);
      refuseAsUnknown(call, "tool", params.name as string);
    };
    const allowed = this.pins ? this.pins.allows(upstream, call.name as string) : true;
    if (typeof allowed === "boolean") send(allowed);
    else void allowed.then(send);
  }

  /** The adjuster, where the session exposes any name otherwise than its target wrote it. */
  private exposing(adjust: AdjustResult): AdjustResult | undefined {
    return this.namespace.rewritesNames ? adjust : undefined;
  }

  /**
   * Resource contents carry their URI, and so does the error of a resource not found: the
   * client must see the one it asked for.
   */
  private readonly exposeContents: AdjustResult = (result, upstream) => {
    if (typeof result.uri === "string") {
      result.uri = this.namespace.expose("resource", upstream.name, result.uri);
    }
    for (const content of (result.contents ?? []) as Params[]) {
      if (typeof content.uri === "string")
        content.uri = this.namespace.expose("resource", upstream.name, content.uri);
    }
  };

  /**
   * A tool's result links or embeds resources the client may read next, by URI; made as a
   * task, the call answers with the task instead, whose id must lead back to this target.
   */
  private readonly exposeToolResult: AdjustResult = (result, upstream) => {
    const task = result.task as Params | undefined;
    if (typeof task?.taskId === "string") task.taskId = this.exposeTaskId(upstream, task);
    if (Array.isArray(result.content)) {
      for (const block of result.content) this.exposeBlock(block as Params, upstream);
    }
  };

  private readonly exposePromptMessages: AdjustResult = (result, upstream) => {
    if (!Array.isArray(result.messages)) return;
    for (const message of result.messages as Params[]) {
      this.exposeBlock(message.content as Params, upstream);
    }
  };

  /** A content block that names a resource: a link to it, or the resource embedded. */
  private exposeBlock(block: Params | undefined, upstream: Upstream): void {
    const named =
      block?.type === "resource_link"
        ? block
        : block?.type === "resource"
          ? (block.resource as Params | undefined)
          : undefined;
    if (typeof named?.uri === "string") {
      named.uri = this.namespace.expose("resource", upstream.name, named.uri);
    }
  }

  /** A task's own answers name it, at the top and in the metadata of its result. */
  private readonly exposeTask: AdjustResult = (result, upstream) => {
    if (typeof result.taskId === "string") result.taskId = this.exposeTaskId(upstream, result);
    const related = (result._meta as Params | undefined)?.[RELATED_TASK] as Params | undefined;
    if (typeof related?.taskId === "string") related.taskId = this.exposeTaskId(upstream, related);
    this.exposeToolResult(result, upstream);
  };

  private exposeTaskId(upstream: Upstream, task: Params): string {
    return this.namespace.expose("task", upstream.name, task.taskId as string);
  }

  // ---- calls that go to every target -----------------------------------------------------

  private fanOutList(call: ClientCall, params: Params | undefined, spec: ListSpec): void {
    const policy = spec.kind === "task" ? undefined : call.origin.mcpAuthorization;
    const directory = spec.kind === "task" ? undefined : this.directory;
    let hidden = 0;
    const visible =
      (policy || directory) &&
      ((target: string, name: string) => {
        if (directory?.ambiguous(spec.kind as ItemKind, name)) return false;
        const allowed = policy?.decide(call.origin.access, spec.kind as ItemKind, target, name);
        if (allowed?.allowed === false) hidden++;
        return allowed?.allowed !== false;
      });
    const merge = (parts: Part[]) => {
      const pinned = spec.kind === "tool" ? this.pins?.screen(parts) : undefined;
      this.reportUnimplemented(call.method, parts);
      directory?.learnFrom(parts, spec);
      const merged = mergeLists(
        parts,
        spec,
        this.namespace,
        this.route.backend.failureMode,
        visible,
      );
      if (hidden > 0) call.reason = `mcpAuthorization hid ${hidden} of the ${spec.key}`;
      if (pinned) call.reason = call.reason ? `${call.reason}; ${pinned}` : pinned;
      return merged;
    };
    let targets = this.targetsFor(call.method);
    let cursors: Record<string, string> | undefined;
    if (this.namespace.multiplexed && params?.cursor !== undefined) {
      cursors = decodeCursor(params.cursor);
      if (!cursors) {
        call.fail(ErrorCode.InvalidParams, "invalid cursor: it was not issued by this gateway");
        return;
      }
      const next = cursors;
      targets = targets.filter((upstream) => next[upstream.name] !== undefined);
    }
    if (targets.length === 0) {
      call.resolve({ [spec.key]: [] });
      return;
    }
    const requests = targets.map((upstream) => ({
      upstream,
      // A target's own cursor, from inside the gateway's, or the client's as it is.
      params: cursors ? { ...params, cursor: cursors[upstream.name] } : params,
    }));
    call.fanOut(requests, merge);
  }

  /** A request only the targets answer, with nothing to combine: logging/setLevel, ping. */
  private forwardToAll(call: ClientCall, params: Params | undefined): void {
    const requests = this.targetsFor(call.method).map((upstream) => ({ upstream, params }));
    if (requests.length === 0) {
      call.resolve({}); // nobody logs, so every level is set
      return;
    }
    call.fanOut(requests, (parts) => {
      this.reportUnimplemented(call.method, parts);
      return mergeAcknowledgements(parts, this.route.backend.failureMode);
    });
  }

  /**
   * The targets a method goes to: with several, those that are up and declared the capability
   * it needs, as a target asked for what it never offered fails the whole answer; a single
   * target is asked whatever the client asks, and answers for itself.
   */
  private targetsFor(method: string): Upstream[] {
    if (!this.namespace.multiplexed) return this.upstreams;
    return this.upstreams.filter((u) => u.alive && serves(u.capabilities, method));
  }

  /** A target that declared a capability and then did not implement it is worth a line. */
  private reportUnimplemented(method: string, parts: Part[]): void {
    for (const { target, response } of parts) {
      if (response.error?.code !== ErrorCode.MethodNotFound) continue;
      const outcome =
        this.route.backend.failureMode === "failOpen"
          ? "its part is left empty (failOpen)"
          : "the answer fails (failClosed)";
      this.context.bus.notice(
        "warn",
        `target "${target}" declared ${neededCapability(method)} but answered ${method} with ` +
          `"${boundText(response.error.message, ECHOED_NAME_MAX)}": ${outcome}`,
        { target, session: this.id },
      );
    }
  }

  private forwardUnknown(call: ClientCall, params: Params | undefined): void {
    if (this.upstreams.length !== 1) {
      call.fail(ErrorCode.MethodNotFound, `Method not found: ${call.method}`);
      return;
    }
    const upstream = this.upstreams[0] as Upstream;
    call.target = upstream.name;
    call.forward(upstream, params);
  }

  // ---- answers --------------------------------------------------------------------------

  private readonly finish = (call: ClientCall, response: RpcMessage): void => {
    if (this.calls.get(call.id) !== call) return; // cancelled or session closed meanwhile
    this.calls.delete(call.id);
    if (call.progressToken !== undefined) this.callsByProgressToken.delete(call.progressToken);
    // Idle from the last answer, not the last request: a slow initialize is no idle time.
    this.lastActivity = Date.now();
    call.sink.send(response);
    this.report(call, response.error?.message);
  };

  private report(call: ClientCall, error: string | undefined, status = call.origin.status): void {
    const event: RequestEvent = {
      kind: "request",
      time: call.time,
      status,
      httpMethod: "POST",
      path: call.origin.path,
      route: call.origin.route,
      method: call.method,
      target: call.target,
      name: call.name,
      session: this.id,
      subject: call.origin.access.caller.subject,
      issuer: call.origin.access.caller.issuer,
      reason: call.reason,
      ...(call.rule && { rule: call.rule }),
      durationMs: call.durationMs,
      error,
      ...(call.denied && { denied: true }),
    };
    this.context.bus.emit(call.watch ? call.watch.logged(event) : event);
  }

  private reportTarget(
    target: string,
    state: TargetEvent["state"],
    failure?: Pick<TargetEvent, "error" | "stderrTail">,
  ): void {
    this.context.bus.emit({
      kind: "target",
      time: Date.now(),
      target,
      session: this.id,
      state,
      ...failure,
    });
  }

  // ---- notifications and answers from the client -----------------------------------------

  private relayNotification(message: RpcMessage): void {
    const params = message.params ?? {};
    if (message.method === "notifications/cancelled") {
      const call = this.calls.get(params.requestId as RpcId);
      const reason = typeof params.reason === "string" ? params.reason : "cancelled by the client";
      return call && this.cancel(call, reason);
    }
    if (message.method === "notifications/progress") {
      // Progress on a request a target made (sampling): only that target knows the token.
      for (const request of this.serverRequests.values()) {
        if (request.progressToken === params.progressToken) return request.upstream.send(message);
      }
    }
    for (const upstream of this.upstreams) upstream.send(message);
  }

  /** The client no longer waits for the call: its targets are told to stop working on it. */
  private cancel(call: ClientCall, reason: string): void {
    this.withdraw(call, reason);
    call.sink.abandon();
    this.report(call, `cancelled: ${reason}`);
  }

  /**
   * The HTTP request that carried the sink's calls ran out of time (the route's
   * requestTimeout): each call still open is withdrawn from its targets and answered with the
   * timeout error. An initialize that times out leaves a session nobody can use: it ends.
   */
  timeOut(sink: ClientSink, error: { status: number; code: number; message: string }): void {
    for (const call of this.calls.values()) {
      if (call.sink !== sink) continue;
      this.withdraw(call, error.message);
      sink.send(errorResponse(call.id, error.code, error.message));
      this.report(call, error.message, error.status);
      if (call.method === "initialize") void this.close();
    }
  }

  /** Forgets the call and tells its targets to stop working on it. */
  private withdraw(call: ClientCall, reason: string): void {
    call.withdraw();
    this.calls.delete(call.id);
    if (call.progressToken !== undefined) this.callsByProgressToken.delete(call.progressToken);
    for (const upstream of this.upstreams) upstream.cancel(call, reason);
  }

  /**
   * The client closed the connection of a POST before all its answers went out: its calls are
   * cancelled as if it had said so, and the session expires like any idle one. Without the
   * answer to its initialize, nobody can use the session: it ends at once.
   */
  private readonly clientWentAway = (sink: ClientSink): void => {
    for (const call of this.calls.values()) {
      if (call.sink !== sink) continue;
      if (call.method === "initialize") {
        void this.close();
        return;
      }
      this.cancel(call, "the client went away");
    }
  };

  private answerServerRequest(message: RpcMessage): void {
    const request = this.serverRequests.get(message.id as number);
    if (!request) return;
    this.serverRequests.delete(message.id as number);
    message.id = request.upstreamId;
    request.upstream.send(message);
  }

  // ---- messages from targets -------------------------------------------------------------

  onServerMessage(upstream: Upstream, message: RpcMessage): void {
    if (message.id !== undefined) return this.relayServerRequest(upstream, message);
    const params = message.params ?? {};
    switch (message.method) {
      case "notifications/progress": {
        const call = this.callsByProgressToken.get(params.progressToken);
        return call ? call.sink.send(message) : this.deliver(upstream, message);
      }
      case "notifications/cancelled": {
        for (const [id, request] of this.serverRequests) {
          if (request.upstream === upstream && request.upstreamId === params.requestId) {
            this.serverRequests.delete(id);
            params.requestId = id;
            return this.deliver(upstream, message);
          }
        }
        return;
      }
      case "notifications/resources/updated":
        if (typeof params.uri === "string")
          params.uri = this.namespace.expose("resource", upstream.name, params.uri);
        return this.changes ? this.changes(message) : this.deliver(upstream, message);
      case "notifications/tasks/status":
        if (typeof params.taskId === "string") params.taskId = this.exposeTaskId(upstream, params);
        return this.deliver(upstream, message);
      default: {
        const changed = LIST_CHANGED.get(message.method as string);
        if (!changed) return this.deliver(upstream, message);
        this.directory?.forget(upstream.name, changed);
        if (changed === "tool") this.pins?.forget(upstream.name);
        return this.changes ? this.changes(message) : this.deliver(upstream, message);
      }
    }
  }

  private relayServerRequest(upstream: Upstream, message: RpcMessage): void {
    const id = this.nextServerRequestId++;
    const meta = message.params?._meta as Params | undefined;
    this.serverRequests.set(id, {
      upstream,
      upstreamId: message.id as RpcId,
      progressToken: meta?.progressToken,
    });
    message.id = id;
    this.deliver(upstream, message);
  }

  /**
   * Sends what a target says outside of a response: on the stream of a call that target is
   * working on (a sampling request during a tool call belongs there), else on the session
   * stream, else into the backlog until the client opens one.
   */
  private deliver(upstream: Upstream, message: RpcMessage): void {
    // Until the session is up, nothing but the answer goes out on the initialize POST: a
    // failed initialize must not have opened a stream that names the session.
    if (this.state !== "ready") {
      if (this.backlog.push(message) > BACKLOG_LIMIT) this.backlog.shift();
      return;
    }
    for (const call of this.calls.values()) {
      if ((call.target === undefined || call.target === upstream.name) && call.sink.open) {
        return call.sink.send(message);
      }
    }
    if (this.stream?.open) return this.stream.send(message);
    if (this.changes) return this.refuseOutsideCall(message);
    if (this.backlog.push(message) > BACKLOG_LIMIT) this.backlog.shift();
  }

  /**
   * A bridge session's caller is only reachable through a call in flight. What a target says
   * outside of one is dropped; a request is answered, so that the target does not wait for ever.
   */
  private refuseOutsideCall(message: RpcMessage): void {
    if (message.id === undefined) return;
    const request = this.serverRequests.get(message.id as number);
    if (!request) return;
    this.serverRequests.delete(message.id as number);
    const reason = `${message.method} reached the gateway outside of a call: a 2026-07-28 caller can only be asked during one`;
    request.upstream.send(errorResponse(request.upstreamId, ErrorCode.InternalError, reason));
  }

  onStderr(upstream: Upstream, line: string): void {
    this.context.bus.notice("info", line, { target: upstream.name, session: this.id });
  }

  onDropped(upstream: Upstream, reason: string): void {
    this.context.bus.notice("warn", reason, { target: upstream.name, session: this.id });
  }

  onGone(upstream: Upstream, reason: string): void {
    for (const [id, request] of this.serverRequests) {
      if (request.upstream === upstream) this.serverRequests.delete(id);
    }
    this.context.bus.notice("error", reason, { target: upstream.name, session: this.id });
    this.reportTarget(upstream.name, "failed", {
      error: reason,
      stderrTail: upstream.stderrLines,
    });
  }
}

/**
 * The answer to an item that is hidden (by mcpAuthorization or a changed pin) or missing: the
 * same either way, so the caller learns nothing about what is hidden.
 */
function refuseAsUnknown(call: ClientCall, kind: ItemKind, exposed: string): void {
  // Echoed bounded: a client that sends a name of megabytes does not get them back.
  const shown = boundText(exposed, ECHOED_NAME_MAX);
  // A resource not found names its URI in the error's data too, as 2026-07-28 asks.
  const data = kind === "resource" ? { uri: shown } : undefined;
  call.fail(ErrorCode.InvalidParams, `Unknown ${kind}: ${shown}`, data);
}
