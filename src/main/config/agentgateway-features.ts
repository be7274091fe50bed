/**
 * The keys of agentgateway's local config that Gatehouse does not take, place by place, each
 * with the reason, so that such a key is refused as the agentgateway feature it is rather than
 * as a typo. Read from agentgateway's `crates/agentgateway/src/types/local.rs` (LocalConfig,
 * LocalGateway, LocalGatewayListener, LocalBind, LocalListener, LocalRoute, RouteMatch,
 * LocalRouteBackend, FullLocalBackend, LocalMcpTarget, LocalTLSServerConfig, FilterOrPolicy,
 * LocalGatewayPolicy, LocalBackendPolicies, SimpleLocalBackendPolicies, LocalFrontendPolicies)
 * and `lib.rs` (RawConfig).
 *
 * A key the schema accepts never gets here. Policy keys are listed whether or not Gatehouse has
 * the policy: where it has it, but not at this place, the answer says where it may go instead.
 */
import { z } from "zod";
import type { Attachment } from "../gateway/policies/policy";
import { KIND_BY_KEY } from "../gateway/policies/registry";

/** The kinds of map in an agentgateway config, as the schema marks its objects. */
export type Place =
  | "config"
  | "settings"
  | "gateway"
  | "gatewayListener"
  | "bind"
  | "bindListener"
  | "tls"
  | "route"
  | "routeMatch"
  | "routeBackend"
  | "namedBackend"
  | "mcpBackend"
  | "mcp"
  | "target"
  | "targetAddress"
  | "routePolicies"
  | "backendPolicies"
  | "targetPolicies"
  | "frontendPolicies";

/** Marks an object of the config schema with its place; clones made by `.describe()` inherit it. */
export const PLACES = z.registry<{ place: Place }>();

// ---- reasons ------------------------------------------------------------------------------

const LLM = "Gatehouse relays MCP traffic, not LLM APIs";
const A2A = "Gatehouse relays MCP traffic, not A2A";
const HTTP_ONLY = "Gatehouse serves HTTP(S) MCP traffic only";
const STANDALONE = "Gatehouse runs standalone, outside a mesh or control plane";
const NO_NAMESPACES = "Gatehouse names things without namespaces";
const NOT_YET = "not implemented yet";
const MCP_ONLY_BACKEND =
  "a Gatehouse route forwards to an MCP backend only (`mcp:`, or `backend:` naming an MCP backend)";
const ROUTING = "Gatehouse picks a route by host name and path only";
const OWN_ADMIN = "Gatehouse has its own admin server and log (see `gatehouse serve --help`)";
const TLS_SOURCE = "Gatehouse serves the certificate and key files written in `cert` and `key`";

// ---- policies, by where agentgateway takes them ---------------------------------------------

/** Why a policy Gatehouse does not have is missing, where "not yet" is not the whole story. */
const POLICY_REASONS: Readonly<Record<string, string>> = {
  a2a: A2A,
  ai: LLM,
  inferenceRouting: LLM,
  backendTunnel: STANDALONE,
  health: "a Gatehouse backend is its MCP targets, whose failures `failureMode` handles",
  remoteRateLimit:
    "it asks an external rate-limit service (Envoy's rate limit service, over gRPC) about every request, and a local gateway has none: use localRateLimit",
  sessionAffinity: "an MCP session stays with the targets it opened, so there is nothing to pin",
  tcp: HTTP_ONLY,
  logging: 'write it under its newer name, "accessLog"',
};

/** The policy keys agentgateway takes at a place, each with why Gatehouse does not (yet). */
function policies(...keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, POLICY_REASONS[key] ?? NOT_YET]));
}

/** LocalGatewayPolicy: written on a gateway or a listener. */
const GATEWAY_POLICIES = policies(
  "oidc",
  "jwtAuth",
  "authorization",
  "extAuthz",
  "extProc",
  "cors",
  "transformations",
  "basicAuth",
  "apiKey",
);

/** SimpleLocalBackendPolicies: a target's connection. */
const TARGET_POLICY_KEYS = [
  "requestHeaderModifier",
  "transformations",
  "backendTLS",
  "backendAuth",
  "http",
  "tcp",
  "backendTunnel",
];

/** FilterOrPolicy: a route. */
const ROUTE_POLICIES = policies(
  ...Object.keys(GATEWAY_POLICIES),
  "requestHeaderModifier",
  "responseHeaderModifier",
  "requestRedirect",
  "urlRewrite",
  "requestMirror",
  "directResponse",
  "mcpAuthorization",
  "mcpGuardrails",
  "mcpAuthentication",
  "a2a",
  "ai",
  "backendTLS",
  "backendTunnel",
  "backendAuth",
  "localRateLimit",
  "remoteRateLimit",
  "csrf",
  "buffer",
  "timeout",
  "retry",
  "delay",
);

/** LocalBackendPolicies: a backend. */
const BACKEND_POLICIES = policies(
  ...TARGET_POLICY_KEYS,
  "responseHeaderModifier",
  "requestRedirect",
  "health",
  "extAuthz",
  "authorization",
  "mcpAuthorization",
  "mcpGuardrails",
  "a2a",
  "inferenceRouting",
  "sessionAffinity",
  "ai",
);

const NON_MCP_BACKENDS = {
  host: MCP_ONLY_BACKEND,
  service: MCP_ONLY_BACKEND,
  internal: MCP_ONLY_BACKEND,
  dynamic: MCP_ONLY_BACKEND,
  ai: LLM,
  aws: MCP_ONLY_BACKEND,
  routeGroup: NOT_YET,
  invalid: MCP_ONLY_BACKEND,
};

// ---- every place --------------------------------------------------------------------------

const AGENTGATEWAY_KEYS: Record<Place, Readonly<Record<string, string>>> = {
  config: {
    policies: "write policies on the gateway, listener, route, backend or target they apply to",
    workloads: STANDALONE,
    services: STANDALONE,
    routeGroups: NOT_YET,
    tcpRoutes: HTTP_ONLY,
    llm: LLM,
    ui: "Gatehouse serves its own UI on its admin port",
  },
  settings: {
    enableIpv6: "Gatehouse listens on the `address` a bind, gateway or `mcp` names",
    dns: NOT_YET,
    localXdsPath: STANDALONE,
    modelCatalog: LLM,
    database: OWN_ADMIN,
    storage: OWN_ADMIN,
    caAddress: STANDALONE,
    caAuthToken: STANDALONE,
    xdsAddress: STANDALONE,
    xdsAuthToken: STANDALONE,
    spiffe: STANDALONE,
    namespace: STANDALONE,
    gateway: STANDALONE,
    trustDomain: STANDALONE,
    additionalTrustDomains: STANDALONE,
    skipValidateTrustDomain: STANDALONE,
    serviceAccount: STANDALONE,
    clusterId: STANDALONE,
    network: STANDALONE,
    adminAddr: OWN_ADMIN,
    standardAttributes: NOT_YET,
    statsAddr: NOT_YET,
    histograms: NOT_YET,
    readinessAddr: NOT_YET,
    session: NOT_YET,
    sensitiveHeaders: NOT_YET,
    customFunctions: NOT_YET,
    connectionTerminationDeadline: NOT_YET,
    connectionMinTerminationDeadline: NOT_YET,
    workerThreads: "Gatehouse is one Node process",
    metrics: NOT_YET,
    backend: NOT_YET,
    hbone: STANDALONE,
  },
  gateway: GATEWAY_POLICIES,
  gatewayListener: GATEWAY_POLICIES,
  bind: {
    tunnelProtocol: STANDALONE,
    mode: STANDALONE,
  },
  bindListener: {
    namespace: NO_NAMESPACES,
    tcpRoutes: HTTP_ONLY,
    policies: 'write listener policies on a listener under "gateways"',
  },
  tls: {
    mode: TLS_SOURCE,
    spiffe: TLS_SOURCE,
    keyExchangeGroups: NOT_YET,
    minTlsVersion: "Gatehouse reads the spelling `minTLSVersion`",
    maxTlsVersion: "Gatehouse reads the spelling `maxTLSVersion`",
  },
  route: {
    namespace: NO_NAMESPACES,
  },
  routeMatch: {
    headers: ROUTING,
    method: ROUTING,
    query: ROUTING,
  },
  routeBackend: NON_MCP_BACKENDS,
  namedBackend: {
    internal: MCP_ONLY_BACKEND,
    ai: LLM,
    aws: MCP_ONLY_BACKEND,
  },
  mcpBackend: {},
  mcp: {},
  target: {},
  targetAddress: {},
  routePolicies: ROUTE_POLICIES,
  backendPolicies: BACKEND_POLICIES,
  targetPolicies: policies(...TARGET_POLICY_KEYS),
  // LocalFrontendPolicies, with its aliases `proxy` and `logging`.
  frontendPolicies: policies(
    "http",
    "tls",
    "tcp",
    "networkAuthorization",
    "networkExtAuthz",
    "proxyProtocol",
    "proxy",
    "connect",
    "logging",
  ),
};

/** Where each place's policies attach, for the policy keys Gatehouse takes somewhere else. */
const ATTACHMENT_OF: Partial<Record<Place, Attachment>> = {
  gateway: "gateway",
  gatewayListener: "listener",
  routePolicies: "route",
  backendPolicies: "backend",
  targetPolicies: "target",
  frontendPolicies: "frontend",
};

const WHERE: Record<Attachment, string> = {
  frontend: "frontendPolicies",
  gateway: "gateways",
  listener: "listeners",
  route: "routes",
  backend: "backends",
  target: "targets",
};

/**
 * Why Gatehouse refuses an agentgateway key at a place, or undefined when agentgateway has no
 * such key there either (a typo, then).
 */
export function agentgatewayFeature(place: Place, key: string): string | undefined {
  const reason = Object.hasOwn(AGENTGATEWAY_KEYS[place], key)
    ? AGENTGATEWAY_KEYS[place][key]
    : undefined;
  if (reason === undefined) return undefined;
  const kind = KIND_BY_KEY.get(key);
  const attachment = ATTACHMENT_OF[place];
  if (kind && attachment && !kind.attachments.includes(attachment)) {
    return `Gatehouse takes it on ${kind.attachments.map((a) => WHERE[a]).join(", ")} only`;
  }
  return reason;
}
