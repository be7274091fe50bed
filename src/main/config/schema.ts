/**
 * The config file's schema: agentgateway's local config format, the parts a desktop gateway
 * needs. The validator, the TypeScript types and the JSON Schema shipped in `resources/` are all
 * generated from this one definition, so they cannot disagree. Objects are strict: a key that
 * is not here is an error, as in agentgateway (`deny_unknown_fields`).
 */
import { z } from "zod";
import type { Attachment } from "../gateway/policies/policy";
import { dnsRebindingProtection } from "../gateway/policies/dns-rebinding-protection";
import { legacyLoggingSchema } from "../gateway/policies/access-log";
import { POLICY_KINDS, type PolicyConfigs } from "../gateway/policies/registry";
import { legacyTracingSchema } from "../gateway/policies/tracing/legacy-tracing";
import { CIPHER_SUITES } from "../gateway/tls-cipher-suites";
import { PLACES, type Place } from "./agentgateway-features";
import { duration, evenBesideOtherProblems, port, stringList } from "./schema-parts";

const GATEHOUSE_ONLY = "Gatehouse only: agentgateway rejects this key.";
const HTTP_ONLY = "Gatehouse serves HTTP(S) MCP traffic only";

/** Marks a map of the schema as the agentgateway place it is, for messages about keys it lacks. */
function at<T extends z.ZodType>(place: Place, schema: T): T {
  PLACES.add(schema, { place });
  return schema;
}

/**
 * For a check that needs some of an object's keys: the check says nothing when the object
 * already has keys the schema does not know, because one of those (`host:` where `mcp:` was
 * wanted) is the problem to fix, and it has its own message.
 */
function unlessUnknownKeys<T>(check: (value: T, ctx: z.RefinementCtx<T>) => void) {
  return (value: T, ctx: z.RefinementCtx<T>) => {
    if (!ctx.issues.some((issue) => issue.code === "unrecognized_keys" && !issue.path?.length)) {
      check(value, ctx);
    }
  };
}

// ---- policies ----------------------------------------------------------------------------

/** The policies that may be written at an attachment point: one optional key per kind. */
function policyShapeAt(attachment: Attachment): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const kind of POLICY_KINDS) {
    if (kind.attachments.includes(attachment) && !("writtenOnBackend" in kind)) {
      shape[kind.key] = (kind.schema as z.ZodType).optional();
    }
  }
  return shape;
}

/** The `policies` map of an attachment point. */
function policiesAt(attachment: "frontend" | "route" | "backend" | "target") {
  const schema = at(`${attachment}Policies`, z.strictObject(policyShapeAt(attachment)));
  return schema as unknown as z.ZodType<PolicyConfigs>;
}

export const routePoliciesSchema = policiesAt("route").describe(
  "Policies applied to every request of the route.",
);

const backendPolicies = policiesAt("backend").describe(
  "Policies of the backend: they run after the route's.",
);

// ---- MCP targets and backends ------------------------------------------------------------

const targetName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error:
      'a target name uses lowercase letters, digits, "-" and "." only (no "_" or "+": they join target and tool names)',
  });

const stdioTarget = z
  .strictObject({
    cmd: z
      .string()
      .min(1)
      .describe("The command; found on PATH like in a shell (npx, uvx, node...)."),
    args: stringList.optional(),
    env: z
      .record(z.string(), z.string())
      .optional()
      .describe("Added to the gateway's environment."),
    clearEnv: z.boolean().optional().describe("Start from an empty environment instead."),
  })
  .describe("A local MCP server the gateway spawns for each client session.");

const httpTarget = <More extends z.ZodRawShape = Record<never, never>>(
  kind: "mcp" | "sse" | "openapi",
  hostHelp: string,
  more = {} as More,
) =>
  at(
    "targetAddress",
    z.strictObject({
      host: z.string().min(1).optional().describe(hostHelp),
      port: port.optional(),
      path: z.string().optional(),
      backend: z
        .string()
        .min(1)
        .optional()
        .describe("The name of a `host:` backend under the top-level `backends`, instead of host."),
      ...more,
    }),
  ).superRefine((value, ctx) => {
    const problem = targetAddressProblem(kind, value as TargetAddress);
    if (problem) ctx.addIssue({ code: "custom", path: [], message: problem });
  }, evenBesideOtherProblems);

const openApiSchemaSource = z
  .union(
    [
      z.string().describe("The document itself (JSON or YAML)."),
      z.strictObject({
        file: z.string().describe("A file, relative to the working directory."),
      }),
      z.strictObject({ url: z.url().describe("A URL that serves the document.") }),
    ],
    { error: "schema is the document as a string, {file: <path>} or {url: <URL>}" },
  )
  .describe("The OpenAPI 3 document (JSON or YAML), read when the config loads.");

/** agentgateway's rules for an MCP target's address, in its words where it has them. */
type TargetAddress = { host?: string; port?: number; path?: string; backend?: string };

function targetAddressProblem(
  kind: string,
  { host, port, path, backend }: TargetAddress,
): string | undefined {
  if (backend !== undefined) {
    if (host !== undefined || port !== undefined)
      return "a target has host (and port) or backend, not both";
    // An OpenAPI target's paths come from its document.
    if (path === undefined && kind !== "openapi") return "path is required when backend is set";
    return undefined;
  }
  if (host === undefined) {
    return port === undefined && path === undefined
      ? "host or backend is required"
      : `host is required when ${port === undefined ? "path" : "port"} is set`;
  }
  if ((port === undefined) !== (path === undefined)) {
    return `${kind} targets take "port" and "path" together, or a full URL in "host" alone`;
  }
  return undefined;
}

const target = at(
  "target",
  z.strictObject({
    name: targetName,
    stdio: stdioTarget.optional(),
    mcp: httpTarget("mcp", "A URL, or host:port (the path defaults to /mcp).")
      .optional()
      .describe("A Streamable HTTP MCP server."),
    sse: httpTarget("sse", "A URL, or host:port (the path defaults to /sse).")
      .optional()
      .describe("A legacy HTTP+SSE MCP server."),
    openapi: httpTarget(
      "openapi",
      "A URL, or host:port, of the API; its paths come from the document (under its `servers` URL).",
      { schema: openApiSchemaSource },
    )
      .optional()
      .describe("An HTTP API described by an OpenAPI 3 document: each operation is a tool."),
    policies: policiesAt("target")
      .optional()
      .describe("Policies of the connection to this target (not for stdio targets)."),
    pinning: z
      .boolean()
      .optional()
      .describe(
        `Pin each tool's definition when first seen and hide a tool whose definition changes until the change is approved (default true; false turns it off for this target). ${GATEHOUSE_ONLY}`,
      ),
  }),
).superRefine(
  unlessUnknownKeys((value, ctx) => {
    const kinds = (["stdio", "mcp", "sse", "openapi"] as const).filter(
      (kind) => value[kind] !== undefined,
    );
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          kinds.length === 0
            ? `target "${value.name}" needs one of stdio, mcp, sse or openapi`
            : `target "${value.name}" has ${kinds.join(" and ")}: choose one`,
      });
    }
    if (value.policies && value.stdio) {
      ctx.addIssue({
        code: "custom",
        path: ["policies"],
        message: "a stdio target takes no policies: they are for a connection, and stdio has none",
      });
    }
    if (value.policies && (value.mcp ?? value.sse ?? value.openapi)?.backend !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["policies"],
        message:
          "a target that names a backend connects with that backend's policies: write them there",
      });
    }
  }),
  evenBesideOtherProblems,
);

const mcpBackendFields = {
  targets: z.array(target).describe("The MCP servers behind this endpoint, multiplexed."),
  statefulMode: z
    .enum(["stateful", "stateless"])
    .optional()
    .describe(
      "stateful (the default): 2025 callers get a session. stateless: the gateway keeps none, and every request stands alone.",
    ),
  prefixMode: z
    .enum(["conditional", "always", "never"])
    .optional()
    .describe(
      "Prefix tool and prompt names with `<target>_` and resource URIs with `<target>+`: with several targets (conditional), always, or never (a name two targets offer is then left out).",
    ),
  failureMode: z
    .enum(["failClosed", "failOpen"])
    .optional()
    .describe("When a target fails: fail the request (failClosed) or serve the others (failOpen)."),
  // A policy here, written where agentgateway has it: on the backend rather than under policies.
  dnsRebindingProtection: dnsRebindingProtection.schema.optional(),
};

const mcpBackend = at("mcpBackend", z.strictObject(mcpBackendFields));

// ---- backends -----------------------------------------------------------------------------

const backendName = z
  .string()
  .min(1)
  .describe("The name of a backend under the top-level `backends`.");

/** A route's backend: an MCP backend written here, or one named in `backends`. */
const routeBackend = at(
  "routeBackend",
  z.strictObject({
    mcp: mcpBackend.optional(),
    backend: backendName.optional(),
    weight: z.int().optional(),
    policies: backendPolicies.optional(),
  }),
).superRefine(
  unlessUnknownKeys((value, ctx) => {
    if ((value.mcp === undefined) === (value.backend === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "a route backend is `mcp: {targets: ...}` or `backend: <name>`, one of them",
      });
    }
  }),
  evenBesideOtherProblems,
);

/** A backend under the top-level `backends`, which routes and MCP targets name. */
const namedBackend = at(
  "namedBackend",
  z.strictObject({
    name: z.string().min(1),
    mcp: mcpBackend.optional().describe("An MCP backend, for routes to name."),
    host: z
      .string()
      .min(1)
      .optional()
      .describe("host:port of an HTTP server, for MCP targets to name (with their `path`)."),
    policies: backendPolicies.optional(),
  }),
).superRefine(
  unlessUnknownKeys((value, ctx) => {
    if ((value.mcp === undefined) === (value.host === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `backend "${value.name}" is \`mcp: {targets: ...}\` or \`host: <host:port>\`, one of them`,
      });
    }
  }),
  evenBesideOtherProblems,
);

// ---- routes -------------------------------------------------------------------------------

// A regex rather than startsWith(): its message reads better and it becomes a plain JSON
// Schema `pattern` (startsWith also emits a `format` that editors do not know).
const absolutePath = z.string().regex(/^\//, { error: 'must start with "/"' });

const pathMatch = z.union(
  [z.strictObject({ pathPrefix: absolutePath }), z.strictObject({ exact: absolutePath })],
  { error: 'path is {pathPrefix: "/..."} or {exact: "/..."}' },
);

const routeFields = {
  name: z.string().optional(),
  ruleName: z.string().optional(),
  hostnames: stringList.optional(),
  matches: z
    .array(at("routeMatch", z.strictObject({ path: pathMatch })))
    .optional()
    .describe("Default: every path."),
  policies: routePoliciesSchema.optional(),
  backends: z.array(routeBackend).length(1, { error: "a route has exactly one mcp backend" }),
};

const gatewayRefs = z
  .union([z.string(), z.array(z.string())])
  .describe("A gateway's name, or `<gateway>/<listener>`; or a list of them. Default: `default`.");

/** A top-level route, which attaches to gateways by name. */
const attachedRoute = at(
  "route",
  z.strictObject({ gateways: gatewayRefs.optional(), ...routeFields }),
);

// ---- gateways and binds -------------------------------------------------------------------

const address = z
  .string()
  .optional()
  .describe(`The address to listen on; default 127.0.0.1. ${GATEHOUSE_ONLY}`);

const protocol = z.enum(["HTTP", "HTTPS"], {
  error: ({ input }) =>
    input === "TCP" || input === "TLS"
      ? `agentgateway feature "protocol: ${input}" is not supported by Gatehouse: ${HTTP_ONLY}`
      : undefined,
});

const tlsVersion = z.enum(["TLS_V1_2", "TLS_V1_3"], {
  error: ({ input }) =>
    input === "TLS_V1_0" || input === "TLS_V1_1"
      ? "TLS 1.0 and 1.1 are not supported (in agentgateway neither)"
      : undefined,
});

const tls = at(
  "tls",
  z.strictObject({
    cert: z
      .string()
      .min(1)
      .describe(
        "The certificate file (PEM: the server's certificate, then its chain); relative paths start at the working directory.",
      ),
    key: z.string().min(1).describe("The private key file (PEM)."),
    root: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A file of CA certificates (PEM) that clients must present a certificate from: mutual TLS. Omit for server TLS only.",
      ),
    cipherSuites: z
      .array(z.enum(CIPHER_SUITES))
      .optional()
      .describe("Only these cipher suites, in this order of preference."),
    minTLSVersion: tlsVersion.optional().describe("Default TLS_V1_2."),
    maxTLSVersion: tlsVersion.optional().describe("Default TLS_V1_3."),
  }),
).describe("Serve HTTPS with this certificate.");

const listenerHostname = z
  .string()
  .optional()
  .describe("Serve requests for this host name (`*.example.com` for a wildcard); default all.");

const gatewayListener = at(
  "gatewayListener",
  z.strictObject({
    name: z
      .string()
      .optional()
      .describe("For `gateways: <gateway>/<name>`; default listener<index>."),
    hostname: listenerHostname,
    protocol: protocol.optional().describe("HTTP, or HTTPS (the default when tls is set)."),
    tls: tls.optional(),
    ...policyShapeAt("listener"),
  }),
);

const gateway = at(
  "gateway",
  z.strictObject({
    port,
    address,
    protocol: protocol.optional().describe("HTTP, or HTTPS (the default when tls is set)."),
    tls: tls.optional(),
    listeners: z
      .array(gatewayListener)
      .optional()
      .describe(
        "Listeners that share the port by host name; then protocol, tls and policies go on each.",
      ),
    ...policyShapeAt("gateway"),
  }),
).describe("A port to listen on, with its policies (written here) and listeners.");

const bindListener = at(
  "bindListener",
  z.strictObject({
    name: z.string().optional(),
    hostname: listenerHostname,
    protocol: z
      .enum(["HTTP", "HTTPS"], {
        error: ({ input }) =>
          typeof input === "string" && ["TCP", "TLS", "HBONE"].includes(input)
            ? `agentgateway feature "protocol: ${input}" is not supported by Gatehouse: ${HTTP_ONLY}`
            : undefined,
      })
      .optional()
      .describe("HTTP, or HTTPS (the default when tls is set): a bind of one listener only."),
    tls: tls.optional(),
    routes: z.array(at("route", z.strictObject(routeFields))),
  }),
);

const bind = at(
  "bind",
  z.strictObject({
    port,
    address,
    listeners: z.array(bindListener),
  }),
);

// ---- mcp, settings, the whole --------------------------------------------------------------

const mcpShorthand = at(
  "mcp",
  z.strictObject({
    gateways: gatewayRefs
      .optional()
      .describe(
        "Serve /mcp, /sse and /.well-known on these gateways. Default: the gateway `default` if there is one (and no port is set), else a listener of its own.",
      ),
    port: port.optional().describe("A listener of its own, on this port; default 3000."),
    address,
    policies: routePoliciesSchema.optional(),
    ...mcpBackendFields,
  }),
)
  .superRefine((value, ctx) => {
    if (value.gateways !== undefined && value.port !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["port"],
        message: "mcp.gateways cannot be used with mcp.port",
      });
    }
  }, evenBesideOtherProblems)
  .describe("The short form: one MCP backend, on the gateways named, or on a port of its own.");

const settings = at(
  "settings",
  z.strictObject({
    mcp: z
      .strictObject({
        sessionTtl: duration
          .optional()
          .describe("Idle time after which a session and its processes end; default 30m."),
      })
      .optional(),
    tracing: legacyTracingSchema.optional(),
    logging: legacyLoggingSchema.optional(),
  }),
);

export const configSchema = at(
  "config",
  z.strictObject({
    config: settings.nullable().optional(),
    binds: z
      .array(bind)
      .optional()
      .describe("Ports with their listeners and routes (agentgateway's older form)."),
    frontendPolicies: policiesAt("frontend")
      .optional()
      .describe("Policies for all traffic, on every gateway."),
    gateways: z
      .record(z.string().regex(/^[^/]+$/, { error: 'a gateway name has no "/"' }), gateway)
      .optional()
      .describe("Named ports to listen on; routes and `mcp` attach to them by name."),
    routes: z.array(attachedRoute).optional().describe("Routes, attached to gateways by name."),
    backends: z
      .array(namedBackend)
      .optional()
      .describe("Backends that routes and MCP targets name."),
    mcp: mcpShorthand.optional(),
  }),
)
  .superRefine((value, ctx) => {
    if (!value.binds && !value.gateways && !value.mcp) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: 'the config needs "gateways", "binds" or "mcp"',
      });
    }
  }, evenBesideOtherProblems)
  .describe("Gatehouse config: agentgateway's local config format.");

export type RawConfig = z.infer<typeof configSchema>;
export type RoutePolicies = PolicyConfigs;
export type RawTarget = z.infer<typeof target>;
export type RawMcpBackend = z.infer<typeof mcpBackend>;
export type RawRoute = z.infer<typeof attachedRoute>;
export type RawRouteBackend = z.infer<typeof routeBackend>;
export type RawNamedBackend = z.infer<typeof namedBackend>;
export type RawGateway = z.infer<typeof gateway>;
export type RawGatewayListener = z.infer<typeof gatewayListener>;
export type RawTls = z.infer<typeof tls>;
