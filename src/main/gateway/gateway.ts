import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { AnswerResponse } from "./answer-response";
import type { GatewayConfig, ListenerSpec } from "../config/model";
import type { RequestEvent } from "./log-event";
import type { LogBus } from "./log-bus";
import { PolicyRequest, type Answer } from "./policies/policy";
import type { Exchange } from "./relay/exchange";
import { isLegacySse, serveLegacySse } from "./relay/legacy-sse";
import type { SessionContext } from "./relay/session";
import type { ToolPins } from "./relay/session-pins";
import { SessionStore } from "./relay/session-store";
import { StatelessBridge } from "./relay/stateless-bridge";
import { RouteToolList, type ListedTool } from "./relay/list-all-tools";
import { serveStreamableHttp } from "./relay/streamable-http";
import { pickListener } from "./pick-listener";
import { RequestWatch } from "./request-watch";
import { matchRoute } from "./routes";
import { runSteps } from "./run-steps";
import {
  compileRuntime,
  type CompiledListener,
  type CompiledRoute,
  type CompileIssue,
  type Runtime,
  type RuntimeOptions,
} from "./runtime";

export interface GatewayOptions {
  bus: LogBus;
  version: string;
  /** How long a target may take to start and answer `initialize`; npx may download first. */
  initializeTimeoutMs?: number;
  /** Where tool definitions are pinned (the app's pins file); without it, none is. */
  toolPins?: ToolPins;
}

/** One socket, and the listeners it serves: one, or several told apart by host name. */
interface ActiveListener {
  server: Server;
  /** Swapped in one assignment on reload; a request reads it once, when it arrives. */
  compiled: readonly CompiledListener[];
  /** What the socket speaks; a change needs another socket. */
  security: Security;
  url: string;
}

/** Plain HTTP, HTTPS, or HTTPS that asks clients for certificates (mutual TLS). */
type Security = "http" | "https" | "mtls";

const listenerKey = (address: string, port: number) => `${address}:${port}`;

/** The listener of a socket whose certificate a client that names no host (SNI) gets. */
const fallbackListener = (listeners: readonly CompiledListener[]) =>
  (listeners.find((listener) => listener.spec.hostname === undefined) ??
    listeners[0]) as CompiledListener;

function securityOf(listeners: readonly CompiledListener[]): Security {
  const { tls } = fallbackListener(listeners);
  return !tls ? "http" : tls.requestCert ? "mtls" : "https";
}

type Report = (status: number, fields?: Partial<RequestEvent>) => void;

/**
 * The enforcing proxy: HTTP listeners, routing, the policy pipeline and the MCP relay. It is
 * started from a config object and nothing else. `apply` compiles the whole new runtime first
 * and swaps it in; sessions live across reloads, keep their targets and meet the new policies.
 */
export class Gateway {
  readonly sessions = new SessionStore(30 * 60_000);
  /** The sessions held for stateless (2026-07-28) callers, and their waiting input rounds. */
  readonly stateless: StatelessBridge;
  /** While paused every request is answered 503; sessions and their targets stay. */
  paused = false;
  private readonly listeners = new Map<string, ActiveListener>();
  private readonly sessionContext: SessionContext;
  private runtime: Runtime | undefined;
  /** The served routes' tool lists, kept for the Access page and the Playground (listTools). */
  private readonly toolLists = new Map<CompiledRoute, RouteToolList>();

  constructor(private readonly options: GatewayOptions) {
    this.sessionContext = {
      bus: options.bus,
      gatewayInfo: { name: "gatehouse", version: options.version },
      initializeTimeoutMs: options.initializeTimeoutMs ?? 60_000,
      toolPins: options.toolPins,
    };
    this.stateless = new StatelessBridge(this.sessionContext);
  }

  /** The URL of every socket, e.g. `http://127.0.0.1:3000` or `https://127.0.0.1:8443`. */
  get urls(): string[] {
    return [...this.listeners.values()].map((listener) => listener.url);
  }

  /** The URL a listener of the applied config serves on (its real port, also for port 0). */
  urlOf(listener: ListenerSpec): string | undefined {
    return this.listeners.get(listenerKey(listener.address, listener.port))?.url;
  }

  /** Process ids of every running stdio target, for a last-moment kill when the process exits. */
  targetPids(): number[] {
    const listing = [...this.toolLists.values()].flatMap((list) => list.pids);
    return [...this.sessions.pids(), ...this.stateless.pool.pids(), ...listing];
  }

  /** The compiled config being served now, for tools that must decide exactly as it does. */
  get currentRuntime(): Runtime | undefined {
    return this.runtime;
  }

  /**
   * Every tool of a route's targets, as no policy filters them: an in-process session with open
   * access, which does not appear in the log. A served route's list is kept, and its session
   * with it, until a target's list changes or another config is applied; a route no longer
   * served is listed once and closed again.
   */
  async listTools(route: CompiledRoute): Promise<ListedTool[]> {
    const kept = this.toolLists.get(route);
    if (kept) return kept.list();
    const list = new RouteToolList(route, this.sessionContext);
    const served = this.runtime?.listeners.some((listener) => listener.routes.includes(route));
    if (served) {
      this.toolLists.set(route, list);
      return list.list();
    }
    try {
      return await list.list();
    } finally {
      await list.close();
    }
  }

  private async closeToolLists(): Promise<void> {
    const lists = [...this.toolLists.values()];
    this.toolLists.clear();
    await Promise.all(lists.map((list) => list.close()));
  }

  /**
   * Compiles and applies a config. If it does not compile (CompileError) or a port cannot be
   * bound, nothing changes and the error says why. Returns the warnings of the compile.
   */
  async apply(config: GatewayConfig, options: RuntimeOptions = {}): Promise<CompileIssue[]> {
    const notice = options.notice ?? ((level, message) => this.options.bus.notice(level, message));
    const runtime = await compileRuntime(config, { ...options, notice });
    const wanted = new Map<string, CompiledListener[]>();
    for (const listener of runtime.listeners) {
      const key = listenerKey(listener.spec.address, listener.spec.port);
      wanted.set(key, [...(wanted.get(key) ?? []), listener]);
    }
    // A port that turns from HTTP to HTTPS (or starts or stops asking for client certificates)
    // needs a new socket, and the port is free for it only once the old one is closed: such a
    // change cannot be undone if the rest of the config then fails to bind.
    for (const [key, listeners] of wanted) {
      const active = this.listeners.get(key);
      if (active && active.security !== securityOf(listeners)) {
        this.listeners.delete(key);
        await closeServer(active.server);
      }
    }

    const opened = new Map<string, ActiveListener>();
    try {
      for (const [key, listeners] of wanted) {
        if (!this.listeners.has(key)) opened.set(key, await this.listen(listeners));
      }
    } catch (error) {
      await Promise.all([...opened.values()].map((listener) => closeServer(listener.server)));
      await runtime.close();
      throw error;
    }
    for (const [key, listener] of this.listeners) {
      const next = wanted.get(key);
      if (next) {
        listener.compiled = next;
        const { tls } = fallbackListener(next);
        if (tls) (listener.server as HttpsServer).setSecureContext(tls.options);
      } else {
        this.listeners.delete(key);
        await closeServer(listener.server);
      }
    }
    for (const [key, listener] of opened) this.listeners.set(key, listener);
    this.sessions.idle.timeoutMs = config.sessionIdleMs;
    this.stateless.pool.idle.timeoutMs = config.sessionIdleMs;
    const routes = new Map(
      runtime.listeners.flatMap((l) => l.routes.map((r) => [r.key, r.spec.backend] as const)),
    );
    this.stateless.pool.retireChanged((routeKey) => routes.get(routeKey));
    const previous = this.runtime;
    this.runtime = runtime;
    await Promise.all([previous?.close(), this.closeToolLists()]);
    return runtime.warnings;
  }

  /**
   * Stops taking requests first, then waits for every session's targets to stop (one that
   * ignores SIGTERM takes a few seconds), so that no child outlives the gateway.
   */
  async close(): Promise<void> {
    await Promise.all([...this.listeners.values()].map((listener) => closeServer(listener.server)));
    this.listeners.clear();
    await Promise.all([this.sessions.closeAll(), this.stateless.close(), this.closeToolLists()]);
    await this.runtime?.close();
  }

  /** Opens a socket for listeners that share an address and port; HTTPS if they have TLS. */
  private listen(compiled: readonly CompiledListener[]): Promise<ActiveListener> {
    const { address, port } = (compiled[0] as CompiledListener).spec;
    const security = securityOf(compiled);
    const options = { keepAliveTimeout: 65_000, ServerResponse: AnswerResponse };
    const tls = fallbackListener(compiled).tls;
    const server = tls
      ? createHttpsServer({
          ...options,
          ...tls.options,
          requestCert: tls.requestCert,
          rejectUnauthorized: true,
          // A client that names a host (SNI) gets the certificate of the listener for it.
          SNICallback: (servername, done) => {
            const listener = pickListener(active.compiled, () => servername.toLowerCase());
            if (listener?.tls) done(null, listener.tls.context);
            else done(new Error(`no listener serves ${servername}`));
          },
        })
      : createServer(options);
    const active: ActiveListener = { server, compiled, security, url: "" };
    server.on("request", (req, res) => this.handle(active, req, res));
    return new Promise((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          new Error(
            error.code === "EADDRINUSE"
              ? `port ${port} on ${address} is already in use (another gateway running?): choose another port in the config`
              : `cannot listen on ${address}:${port}: ${error.message}`,
          ),
        );
      });
      server.listen(port, address, () => {
        // Port 0 asks the system for a free port; the URL names the one it gave.
        const bound = (server.address() as AddressInfo).port;
        const host = address.includes(":") ? `[${address}]` : address;
        active.url = `${security === "http" ? "http" : "https"}://${host}:${bound}`;
        resolve(active);
      });
    });
  }

  /**
   * The pipeline: the listener's policies (its gateway's), the route, the route's policies in
   * the order of their steps, then the relay.
   */
  private handle(active: ActiveListener, req: IncomingMessage, res: ServerResponse): void {
    const time = Date.now();
    const started = performance.now();
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const hostname = () => (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    // On HTTPS the listener is the one whose certificate the client asked for by name (SNI).
    const servername = (req.socket as Partial<TLSSocket>).servername;
    const listener = pickListener(active.compiled, servername ? () => servername : hostname);
    let route: CompiledRoute | undefined;

    const request = new PolicyRequest(req, path);
    const watch = RequestWatch.start(
      (listener ?? fallbackListener(active.compiled)).observers,
      request,
    );
    /** The request's own log event, as the watching policies had it logged. */
    let logged: RequestEvent | undefined;
    const event = (status: number, fields?: Partial<RequestEvent>): RequestEvent => ({
      kind: "request",
      time,
      status,
      httpMethod: req.method ?? "GET",
      path,
      route: route?.name,
      durationMs: performance.now() - started,
      ...fields,
    });
    const report: Report = (status, fields) => {
      logged = watch ? watch.logged(event(status, fields)) : event(status, fields);
      this.options.bus.emit(logged);
    };
    // A request that carried calls has no event of its own: its end says what one would.
    if (watch) {
      res.once("close", () => {
        const { subject, issuer } = request.caller;
        const session = res.getHeader("mcp-session-id");
        const summary = { subject, issuer, ...(typeof session === "string" && { session }) };
        watch.ended(logged ?? event(res.statusCode, summary));
      });
    }
    (res as AnswerResponse).editor = request;
    const answer = (reply: Answer) => {
      res.writeHead(reply.status, { ...request.responseHeaders, ...reply.headers }).end(reply.body);
      if (reply.reason === undefined) {
        return report(reply.status, reply.error === undefined ? undefined : { error: reply.error });
      }
      const { caller } = request;
      report(reply.status, {
        error: reply.body,
        reason: reply.reason,
        subject: caller.subject,
        issuer: caller.issuer,
        unverifiedSubject: reply.claimed?.subject,
        unverifiedIssuer: reply.claimed?.issuer,
        denied: true,
      });
    };
    const refuse = (status: number, message: string) =>
      answer({ status, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: message });
    const failed = (error: unknown) => {
      if (!res.headersSent) refuse(500, `internal error: ${(error as Error).message}`);
      else res.destroy();
    };

    if (this.paused) return refuse(503, "Gatehouse is paused");
    if (!listener) return refuse(404, "no listener serves this host name");
    // Two Authorization headers: node keeps the first, a proxy in front may have checked the
    // other. Which one counts would be a guess, and a guess is no basis to admit anyone.
    if (hasRepeatedAuthorization(req))
      return refuse(400, "send one Authorization header, not several");

    const relay = (chosen: CompiledRoute) => {
      const exchange: Exchange = {
        req,
        res,
        // Sessions belong to one listener: of several on a socket, this one.
        listener: active.compiled.length === 1 ? active.url : `${active.url}#${listener.spec.name}`,
        path,
        query: queryAt === -1 ? "" : rawUrl.slice(queryAt + 1),
        route: chosen,
        access: {
          caller: request.caller,
          context: chosen.readsContext ? request.context() : undefined,
        },
        headers: request.responseHeaders,
        deadline: request.deadline,
        targetHeaders: request.targetHeaders,
        sessions: this.sessions,
        stateless: this.stateless,
        sessionContext: this.sessionContext,
        report,
        watch,
      };
      const serve = isLegacySse(exchange) ? serveLegacySse : serveStreamableHttp;
      return serve(exchange);
    };
    const routed = (): void | Promise<void> => {
      route = matchRoute(listener, hostname(), path);
      if (!route) return refuse(404, `no route matches ${path}`);
      const chosen = route;
      return then(runSteps(chosen.steps, request), (reply) =>
        reply ? answer(reply) : relay(chosen),
      );
    };
    try {
      const outcome = then(runSteps(listener.steps, request), (reply) =>
        reply ? answer(reply) : routed(),
      );
      if (outcome instanceof Promise) outcome.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}

/** `next(value)`, at once for a value, after it settles for a promise. */
function then<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

function hasRepeatedAuthorization(req: IncomingMessage): boolean {
  if (req.headers.authorization === undefined) return false;
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 13 && name.toLowerCase() === "authorization" && ++seen > 1) return true;
  }
  return false;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
