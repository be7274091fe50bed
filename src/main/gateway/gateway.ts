import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "../../shared/config/model";
import type { RequestEvent } from "../../shared/log-event";
import type { LogBus } from "./log-bus";
import { isLoopbackAddress, loopbackViolation } from "./policies/loopback-guard";
import type { Exchange } from "./relay/exchange";
import { isLegacySse, serveLegacySse } from "./relay/legacy-sse";
import type { SessionContext } from "./relay/session";
import { SessionStore } from "./relay/session-store";
import { serveStreamableHttp } from "./relay/streamable-http";
import { compileListener, matchRoute, type CompiledListener } from "./routes";

export interface GatewayOptions {
  bus: LogBus;
  version: string;
  /** How long a target may take to start and answer `initialize`; npx may download first. */
  initializeTimeoutMs?: number;
}

interface ActiveListener {
  server: Server;
  /** Swapped in one assignment on reload; a request reads it once, when it arrives. */
  compiled: CompiledListener;
  url: string;
}

const listenerKey = (address: string, port: number) => `${address}:${port}`;

/**
 * The enforcing proxy: HTTP listeners, routing, the policy pipeline and the MCP relay. It is
 * started from a config object and nothing else. `apply` builds the whole new runtime first
 * and swaps it in; sessions live across reloads and keep their targets.
 */
export class Gateway {
  readonly sessions = new SessionStore(30 * 60_000);
  private readonly listeners = new Map<string, ActiveListener>();
  private readonly sessionContext: SessionContext;

  constructor(private readonly options: GatewayOptions) {
    this.sessionContext = {
      bus: options.bus,
      gatewayInfo: { name: "gatehouse", version: options.version },
      initializeTimeoutMs: options.initializeTimeoutMs ?? 60_000,
    };
  }

  /** The URL of every listener, e.g. `http://127.0.0.1:3000`. */
  get urls(): string[] {
    return [...this.listeners.values()].map((listener) => listener.url);
  }

  /** Applies a config; if a port cannot be bound, nothing changes and the error says why. */
  async apply(config: GatewayConfig): Promise<void> {
    const compiled = config.listeners.map(compileListener);
    const wanted = new Map(compiled.map((c) => [listenerKey(c.spec.address, c.spec.port), c]));

    const opened = new Map<string, ActiveListener>();
    try {
      for (const [key, listener] of wanted) {
        if (!this.listeners.has(key)) opened.set(key, await this.listen(listener));
      }
    } catch (error) {
      await Promise.all([...opened.values()].map((listener) => closeServer(listener.server)));
      throw error;
    }
    for (const [key, listener] of this.listeners) {
      const next = wanted.get(key);
      if (next) {
        listener.compiled = next;
      } else {
        this.listeners.delete(key);
        await closeServer(listener.server);
      }
    }
    for (const [key, listener] of opened) this.listeners.set(key, listener);
    this.sessions.idleTimeoutMs = config.sessionIdleMs;
    for (const listener of compiled) this.warnUnenforced(listener);
  }

  /**
   * Authentication and authorization policies are read and validated, but this version does
   * not enforce them yet. Saying so loudly beats letting someone believe a route is protected.
   */
  private warnUnenforced(listener: CompiledListener): void {
    for (const route of listener.routes) {
      const unenforced = Object.keys(route.spec.policies).filter((policy) => policy !== "cors");
      if (unenforced.length === 0) continue;
      this.options.bus.notice(
        "warn",
        `route "${route.name}" on port ${listener.spec.port}: ${unenforced.join(", ")} ` +
          "validated but NOT enforced by this version of Gatehouse: requests pass unauthenticated",
      );
    }
  }

  async close(): Promise<void> {
    await this.sessions.closeAll();
    await Promise.all([...this.listeners.values()].map((listener) => closeServer(listener.server)));
    this.listeners.clear();
  }

  private listen(compiled: CompiledListener): Promise<ActiveListener> {
    const { address, port } = compiled.spec;
    const server = createServer({ keepAliveTimeout: 65_000 });
    const active: ActiveListener = { server, compiled, url: "" };
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
        active.url = `http://${host}:${bound}`;
        resolve(active);
      });
    });
  }

  private handle(active: ActiveListener, req: IncomingMessage, res: ServerResponse): void {
    const time = Date.now();
    const started = performance.now();
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const listener = active.compiled;
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
    const route = matchRoute(listener, hostname, path);

    const report = (status: number, fields?: Partial<RequestEvent>) =>
      this.options.bus.emit({
        kind: "request",
        time,
        status,
        httpMethod: req.method ?? "GET",
        path,
        route: route?.name,
        durationMs: performance.now() - started,
        ...fields,
      });
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(message);
      report(status, { error: message });
    };

    if (!route) return refuse(404, `no route matches ${path}`);
    if (isLoopbackAddress(listener.spec.address)) {
      const violation = loopbackViolation(
        req,
        (origin) => route.cors?.allowsOrigin(origin) ?? false,
      );
      if (violation) return refuse(403, violation);
    }
    let headers: Record<string, string> = {};
    if (route.cors) {
      const outcome = route.cors.apply(req);
      if ("preflight" in outcome) {
        res.writeHead(200, outcome.preflight).end();
        report(200);
        return;
      }
      headers = outcome.headers;
    }

    const exchange: Exchange = {
      req,
      res,
      path,
      query: queryAt === -1 ? "" : rawUrl.slice(queryAt + 1),
      route: { name: route.name, backend: route.spec.backend },
      headers,
      sessions: this.sessions,
      sessionContext: this.sessionContext,
      report,
    };
    const serve = isLegacySse(exchange) ? serveLegacySse : serveStreamableHttp;
    serve(exchange).catch((error: unknown) => {
      if (!res.headersSent) refuse(500, `internal error: ${(error as Error).message}`);
      else res.destroy();
    });
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
