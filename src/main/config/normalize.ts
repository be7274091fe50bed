import { parseDuration } from "./duration";
import { frontendPolicies } from "./legacy-telemetry";
import type {
  GatewayConfig,
  ListenerSpec,
  McpBackendSpec,
  PathMatch,
  RouteSpec,
  TlsSpec,
} from "./model";
import { backendSpec, NamedBackends, type Report } from "./normalize-backends";
import { Gateways, listenerTls } from "./normalize-gateways";
import type { RawConfig, RawRoute } from "./schema";

type RawBind = NonNullable<RawConfig["binds"]>[number];
import { formatPath } from "./problems";

export type { Report } from "./normalize-backends";

const DEFAULT_ADDRESS = "127.0.0.1";
const DEFAULT_MCP_PORT = 3000;
const DEFAULT_SESSION_TTL_MS = 30 * 60_000;
/** What routes and `mcp` attach to when they name no gateway, as in agentgateway. */
const DEFAULT_GATEWAY = "default";

/** agentgateway's paths for `mcp` on a gateway it shares with other routes (`mcp_matches`). */
const MCP_PATHS: PathMatch[] = ["/mcp", "/sse", "/.well-known"].map((value) => ({
  kind: "prefix",
  value,
}));

type Path = (string | number)[];

/**
 * Turns a validated raw config, in any of its forms (`gateways` and `routes`, `binds`, the `mcp:`
 * shorthand), into the one shape the gateway runs on, resolving the names that tie the parts
 * together, and checks what the schema alone cannot (ports used twice, names that name nothing,
 * URLs that do not parse).
 */
export function normalize(raw: RawConfig, report: Report): GatewayConfig {
  const named = new NamedBackends(raw.backends ?? [], report);
  const gateways = new Gateways(raw.gateways, report);
  const listeners = [...gateways.listeners];
  const ports = new PortClaims(report);
  for (const [name, gateway] of Object.entries(raw.gateways ?? {})) {
    ports.claim(gateway.port, ["gateways", name, "port"]);
  }

  raw.binds?.forEach((bind, b) => {
    ports.claim(bind.port, ["binds", b, "port"]);
    const routes = bind.listeners.flatMap((listener, l) =>
      listener.routes.map((route, r) => {
        // A bind's listeners share one socket: their host names go to their routes.
        const hostname = listener.hostname && listener.hostname !== "*" ? [listener.hostname] : [];
        const path = ["binds", b, "listeners", l, "routes", r];
        return routeSpec(route, path, `route${r}`, hostname, named);
      }),
    );
    const address = bind.address ?? DEFAULT_ADDRESS;
    const tls = bindTls(bind, ["binds", b], report);
    listeners.push({
      name: `bind/${bind.port}`,
      address,
      port: bind.port,
      ...(tls && { tls }),
      routes,
    });
  });

  raw.routes?.forEach((route, i) => {
    const path = ["routes", i];
    const attached =
      route.gateways !== undefined
        ? gateways.resolve(route.gateways, [...path, "gateways"])
        : defaultGateway(gateways, path, report);
    // One spec for every listener it joins: its problems are reported once.
    const spec = routeSpec(route, path, "", [], named);
    for (const listener of attached) {
      listener.routes.push({ ...spec, name: route.name ?? `route${listener.routes.length}` });
    }
  });

  if (raw.mcp) {
    const { gateways: refs, port, address, policies = {}, ...backend } = raw.mcp;
    const mcpBackend = backendSpec(backend, ["mcp"], [], named);
    const route = (paths: PathMatch[]): RouteSpec => ({
      name: "default",
      policiesPath: ["mcp", "policies"],
      hostnames: [],
      paths,
      policies,
      backend: mcpBackend,
    });
    // agentgateway: `mcp` without gateways and port goes to the gateway `default`, if any.
    const attached =
      refs !== undefined
        ? gateways.resolve(refs, ["mcp", "gateways"])
        : port === undefined && gateways.has(DEFAULT_GATEWAY)
          ? gateways.resolve(DEFAULT_GATEWAY, ["mcp"])
          : undefined;
    if (attached) {
      if (address !== undefined) {
        report(["mcp", "address"], "mcp is served on its gateways here: set the address there");
      }
      for (const listener of attached) listener.routes.push(route(MCP_PATHS));
    } else {
      ports.claim(port ?? DEFAULT_MCP_PORT, ["mcp", "port"]);
      listeners.push({
        name: "mcp",
        address: address ?? DEFAULT_ADDRESS,
        port: port ?? DEFAULT_MCP_PORT,
        routes: [route([])],
      });
    }
  }

  named.checkUnused();
  const ttl = raw.config?.mcp?.sessionTtl;
  const frontend = frontendPolicies(raw, report);
  return {
    listeners,
    sessionIdleMs: ttl ? parseDuration(ttl) : DEFAULT_SESSION_TTL_MS,
    ...(frontend && {
      frontendPolicies: {
        attachment: "frontend",
        path: ["frontendPolicies"],
        policies: frontend,
      },
    }),
  };
}

/**
 * A bind is one listener of the model, so HTTPS is for a bind of one listener (as agentgateway's
 * examples write it); several that differ in TLS need a listener each, under `gateways`.
 */
function bindTls(bind: RawBind, path: Path, report: Report): TlsSpec | undefined {
  if (bind.listeners.length === 1) {
    return listenerTls(
      bind.listeners[0] as RawBind["listeners"][number],
      [...path, "listeners", 0],
      report,
    );
  }
  bind.listeners.forEach((listener, l) => {
    if (listener.tls || listener.protocol === "HTTPS") {
      report(
        [...path, "listeners", l, listener.tls ? "tls" : "protocol"],
        'a bind with several listeners serves HTTP in Gatehouse: write them under "gateways", where each listener has its own TLS',
      );
    }
  });
  return undefined;
}

/** Where a route that names no gateway goes: `default`, which must then exist. */
function defaultGateway(gateways: Gateways, path: Path, report: Report): ListenerSpec[] {
  if (gateways.has(DEFAULT_GATEWAY)) return gateways.resolve(DEFAULT_GATEWAY, path);
  report(path, `a route needs "gateways": there is no gateway "${DEFAULT_GATEWAY}" to attach to`);
  return [];
}

type RawRouteFields = Omit<RawRoute, "gateways">;

function routeSpec(
  route: RawRouteFields,
  path: Path,
  defaultName: string,
  fallbackHostnames: string[],
  named: NamedBackends,
): RouteSpec {
  return {
    name: route.name ?? defaultName,
    policiesPath: [...path, "policies"],
    hostnames: route.hostnames?.length ? route.hostnames : fallbackHostnames,
    paths: (route.matches ?? []).map(({ path }): PathMatch =>
      "exact" in path
        ? { kind: "exact", value: path.exact }
        : { kind: "prefix", value: path.pathPrefix },
    ),
    policies: route.policies ?? {},
    backend: routeBackend(route, [...path, "backends", 0], named),
  };
}

/** A route's one backend: written there, or named from `backends`. */
function routeBackend(route: RawRouteFields, path: Path, named: NamedBackends): McpBackendSpec {
  const { mcp, backend, policies } = route.backends[0] as RawRouteFields["backends"][number];
  const reference = { path: [...path, "policies"], policies };
  const spec = mcp
    ? backendSpec(mcp, [...path, "mcp"], [reference], named)
    : named.mcpBackend(backend as string, [...path, "backend"], reference);
  // Without a spec a problem is reported, and the config is not served.
  return (
    spec ?? {
      targets: [],
      prefixMode: "conditional",
      failureMode: "failClosed",
      statefulMode: "stateful",
    }
  );
}

/** Each port once, across gateways, binds and the `mcp` shorthand's own listener. */
class PortClaims {
  private readonly owners = new Map<number, string>();

  constructor(private readonly report: Report) {}

  claim(port: number, path: Path) {
    const owner = this.owners.get(port);
    if (owner) this.report(path, `port ${port} is already used by ${owner}`);
    this.owners.set(port, formatPath(path));
  }
}
