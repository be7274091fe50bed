import { parseDuration } from "./duration";
import type {
  GatewayConfig,
  ListenerSpec,
  McpBackendSpec,
  PathMatch,
  RouteSpec,
  TargetSpec,
} from "./model";
import type { RawConfig, RawMcpBackend, RawTarget } from "./schema";
import { formatPath } from "./problems";

/** Reports a problem at a key path of the raw config. */
export type Report = (path: PropertyKey[], message: string) => void;

const DEFAULT_ADDRESS = "127.0.0.1";
const DEFAULT_MCP_PORT = 3000;
const DEFAULT_SESSION_TTL_MS = 30 * 60_000;

/**
 * Turns a validated raw config, in either form (`binds` or the `mcp:` shorthand), into the one
 * shape the gateway runs on, and checks what the schema alone cannot (ports used twice, target
 * names used twice, URLs that do not parse).
 */
export function normalize(raw: RawConfig, report: Report): GatewayConfig {
  const listeners: ListenerSpec[] = [];
  const portsSeen = new Map<number, string>();
  const claimPort = (port: number, path: PropertyKey[]) => {
    const owner = portsSeen.get(port);
    if (owner) report(path, `port ${port} is already used by ${owner}`);
    portsSeen.set(port, formatPath(path));
  };

  raw.binds?.forEach((bind, b) => {
    claimPort(bind.port, ["binds", b, "port"]);
    const routes = bind.listeners.flatMap((listener, l) =>
      listener.routes.map((route, r): RouteSpec => {
        const path = ["binds", b, "listeners", l, "routes", r];
        const listenerHost =
          listener.hostname && listener.hostname !== "*" ? [listener.hostname] : [];
        return {
          name: route.name ?? `route${r}`,
          policiesPath: [...path, "policies"],
          hostnames: route.hostnames?.length ? route.hostnames : listenerHost,
          paths: (route.matches ?? []).map(({ path }): PathMatch =>
            "exact" in path
              ? { kind: "exact", value: path.exact }
              : { kind: "prefix", value: path.pathPrefix },
          ),
          policies: route.policies ?? {},
          backend: backendSpec(
            (route.backends[0] as { mcp: RawMcpBackend }).mcp,
            [...path, "backends", 0, "mcp"],
            report,
          ),
        };
      }),
    );
    listeners.push({
      name: `bind/${bind.port}`,
      address: bind.address ?? DEFAULT_ADDRESS,
      port: bind.port,
      routes,
    });
  });

  if (raw.mcp) {
    const {
      port = DEFAULT_MCP_PORT,
      address = DEFAULT_ADDRESS,
      policies = {},
      ...backend
    } = raw.mcp;
    claimPort(port, ["mcp", "port"]);
    listeners.push({
      name: "mcp",
      address,
      port,
      routes: [
        {
          name: "default",
          policiesPath: ["mcp", "policies"],
          hostnames: [],
          paths: [],
          policies,
          backend: backendSpec(backend, ["mcp"], report),
        },
      ],
    });
  }

  const ttl = raw.config?.mcp?.sessionTtl;
  return { listeners, sessionIdleMs: ttl ? parseDuration(ttl) : DEFAULT_SESSION_TTL_MS };
}

function backendSpec(raw: RawMcpBackend, path: PropertyKey[], report: Report): McpBackendSpec {
  const names = new Set<string>();
  const targets = raw.targets.map((target, i) => {
    if (names.has(target.name))
      report([...path, "targets", i, "name"], `target name "${target.name}" is used twice`);
    names.add(target.name);
    return targetSpec(target, [...path, "targets", i], report);
  });
  const { dnsRebindingProtection } = raw;
  return {
    targets,
    prefixMode: raw.prefixMode ?? "conditional",
    failureMode: raw.failureMode ?? "failClosed",
    statefulMode: raw.statefulMode ?? "stateful",
    ...(dnsRebindingProtection !== undefined && {
      policies: {
        attachment: "backend",
        path: path as (string | number)[],
        policies: { dnsRebindingProtection },
      },
    }),
  };
}

type HttpAddress = { host: string; port?: number; path?: string };

function targetSpec(raw: RawTarget, path: PropertyKey[], report: Report): TargetSpec {
  if (raw.stdio) {
    const { cmd, args = [], env = {}, clearEnv = false } = raw.stdio;
    return { kind: "stdio", name: raw.name, cmd, args, env, clearEnv };
  }
  const kind = raw.mcp ? "mcp" : "sse";
  const http = (raw.mcp ?? raw.sse) as HttpAddress;
  return { kind, name: raw.name, url: targetUrl(http, kind, [...path, kind, "host"], report) };
}

/**
 * agentgateway's address forms: a URL, or `host:port` (scheme http), or host + port + path;
 * with no path, the transport's usual one (`/mcp` or `/sse`).
 */
function targetUrl(
  http: HttpAddress,
  kind: "mcp" | "sse",
  path: PropertyKey[],
  report: Report,
): string {
  const url = parseAddress(http);
  if (!url) {
    report(
      path,
      http.port === undefined
        ? `"${http.host}" is not a valid URL or host:port`
        : `"${http.host}" is not a valid host name (beside "port" and "path", "host" is the name alone)`,
    );
    return http.host;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    report(path, `"${http.host}" must be an http:// or https:// URL`);
  }
  if (url.pathname === "/") url.pathname = `/${kind}`;
  return url.href;
}

function parseAddress(http: HttpAddress): URL | undefined {
  if (http.port === undefined) {
    // `localhost:3005` has no scheme; agentgateway reads it as http.
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(http.host);
    return parseUrl(hasScheme ? http.host : `http://${http.host}`);
  }
  // "http://h" as the host would still parse, into a different URL than the user meant.
  if (/[/?#@]/.test(http.host)) return undefined;
  const path = http.path ?? "";
  const slash = path && !path.startsWith("/") ? "/" : "";
  return parseUrl(`http://${http.host}:${http.port}${slash}${path}`);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
