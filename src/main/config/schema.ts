/**
 * The config file's schema: agentgateway's local config format, the parts a desktop gateway
 * needs. The validator, the TypeScript types and the JSON Schema shipped in `resources/` are all
 * generated from this one definition, so they cannot disagree. Objects are strict: a key that
 * is not here is an error, as in agentgateway (`deny_unknown_fields`).
 */
import { z } from "zod";

const GATEHOUSE_ONLY = "Gatehouse only: agentgateway rejects this key.";

const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, {
    error: 'expected a duration such as "30s", "5m" or "1h30m"',
  })
  .describe("A Go-style duration: 500ms, 30s, 5m, 1h30m.");

const port = z.int().min(1).max(65535);

/**
 * For checks across the keys of one object. zod skips such a check once any key of the object
 * has a problem; this runs it anyway (when there is an object to look at), so that one load
 * reports every problem instead of revealing them one fix at a time.
 */
const evenBesideOtherProblems = {
  when: ({ value }: { value: unknown }) =>
    typeof value === "object" && value !== null && !Array.isArray(value),
};

const stringList = z.array(z.string());

// ---- policies ----------------------------------------------------------------------------

const cors = z
  .strictObject({
    allowCredentials: z.boolean().optional(),
    allowHeaders: stringList.optional(),
    allowMethods: stringList.optional(),
    allowOrigins: stringList.optional().describe('Origins allowed to call; "*" allows any.'),
    exposeHeaders: stringList.optional(),
    maxAge: duration.optional(),
  })
  .describe("Cross-origin access for browser-based MCP clients (answered preflights, headers).");

const jwks = z
  .union(
    [
      z.string().describe("The JWKS as an inline JSON string."),
      z.strictObject({
        file: z.string().describe("Path to a JWKS file, relative to the working directory."),
      }),
      z.strictObject({ url: z.url().describe("A URL that serves the JWKS.") }),
    ],
    { error: "jwks must be an inline JSON string, {file: <path>} or {url: <URL>}" },
  )
  .describe("Where the issuer's public keys are.");

const jwtMode = z
  .enum(["strict", "optional", "permissive"])
  .describe(
    "strict: a valid token is required. optional (the default): no token passes, a bad one fails. permissive: never rejects.",
  );

const jwtValidationOptions = z.strictObject({
  requiredClaims: stringList.optional().describe('Claims every token must carry; default ["exp"].'),
});

const jwtProvider = z.strictObject({
  issuer: z.string().describe("The `iss` every token must carry."),
  audiences: stringList.optional().describe("When set, the token's `aud` must name one of these."),
  jwks,
  jwtValidationOptions: jwtValidationOptions.optional(),
});

const jwtAuth = z
  .strictObject({
    mode: jwtMode.optional(),
    issuer: z.string().optional(),
    audiences: stringList.optional(),
    jwks: jwks.optional(),
    jwtValidationOptions: jwtValidationOptions.optional(),
    providers: z
      .array(jwtProvider)
      .min(1)
      .optional()
      .describe("Several issuers, each with its keys."),
  })
  .superRefine((value, ctx) => {
    if (value.providers) {
      for (const key of ["issuer", "audiences", "jwks"] as const) {
        if (value[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" belongs inside each of "providers", not beside it`,
          });
        }
      }
      return;
    }
    for (const key of ["issuer", "jwks"] as const) {
      if (value[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message: `jwtAuth needs "${key}" (or a "providers" list)`,
        });
      }
    }
  }, evenBesideOtherProblems)
  .describe("Validate a JWT bearer token against one issuer, or several under `providers`.");

const rule = z
  .union(
    [
      z.string().describe("A CEL expression; when true, the request is allowed."),
      z.strictObject({ allow: z.string() }),
      z.strictObject({ deny: z.string() }),
      z.strictObject({ require: z.string() }),
    ],
    { error: "a rule is a CEL string, or one of {allow: <CEL>}, {deny: <CEL>}, {require: <CEL>}" },
  )
  .describe(
    "Any deny denies; every require must hold; any allow allows; else deny if allows exist.",
  );

const rules = z.strictObject({ rules: z.array(rule) });

const mcpAuthentication = z
  .strictObject({
    issuer: z.string(),
    audiences: stringList,
    jwks: jwks.optional(),
    // partialRecord: a plain record over an enum would demand every provider at once.
    provider: z
      .partialRecord(
        z.enum(["auth0", "keycloak", "okta", "descope", "authentik", "entra"]),
        z.strictObject({}),
      )
      .refine((value) => Object.keys(value).length <= 1, {
        error: "name one provider, not several",
      })
      .optional(),
    resourceMetadata: z
      .record(z.string(), z.unknown())
      .describe("Fields of the RFC 9728 protected-resource metadata."),
    mode: jwtMode.optional(),
    jwtValidationOptions: jwtValidationOptions.optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
  })
  .describe("OAuth for MCP clients: serves protected-resource metadata and asks for a token.");

const backendAuth = z
  .strictObject({
    passthrough: z
      .strictObject({})
      .optional()
      .describe("Forward the client's validated token to the targets instead of removing it."),
  })
  .describe("How the gateway authenticates to its targets.");

export const routePoliciesSchema = z
  .strictObject({
    cors: cors.optional(),
    jwtAuth: jwtAuth.optional(),
    authorization: rules
      .optional()
      .describe("CEL rules for the HTTP request; a denial answers 403."),
    mcpAuthorization: rules
      .optional()
      .describe("CEL rules per tool, prompt and resource; hidden items vanish from lists."),
    mcpAuthentication: mcpAuthentication.optional(),
    backendAuth: backendAuth.optional(),
  })
  .describe("Policies applied to every request of the route.");

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

const httpTarget = (kind: string, defaultPath: string) =>
  z
    .strictObject({
      host: z
        .string()
        .min(1)
        .describe(`A URL, or host:port (the path defaults to ${defaultPath}).`),
      port: port.optional(),
      path: z.string().optional(),
    })
    .refine((value) => (value.port === undefined) === (value.path === undefined), {
      error: `${kind} targets take "port" and "path" together, or a full URL in "host" alone`,
      ...evenBesideOtherProblems,
    });

const target = z
  .strictObject({
    name: targetName,
    stdio: stdioTarget.optional(),
    mcp: httpTarget("mcp", "/mcp").optional().describe("A Streamable HTTP MCP server."),
    sse: httpTarget("sse", "/sse").optional().describe("A legacy HTTP+SSE MCP server."),
  })
  .superRefine((value, ctx) => {
    const kinds = (["stdio", "mcp", "sse"] as const).filter((kind) => value[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          kinds.length === 0
            ? `target "${value.name}" needs one of stdio, mcp or sse`
            : `target "${value.name}" has ${kinds.join(" and ")}: choose one`,
      });
    }
  }, evenBesideOtherProblems);

const mcpBackendFields = {
  targets: z.array(target).describe("The MCP servers behind this endpoint, multiplexed."),
  statefulMode: z
    .enum(["stateful"])
    .optional()
    .describe("Sessions are kept per client (the only mode)."),
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
  dnsRebindingProtection: z.boolean().optional(),
};

const mcpBackend = z.strictObject(mcpBackendFields);

// ---- routes, listeners, binds -------------------------------------------------------------

// A regex rather than startsWith(): its message reads better and it becomes a plain JSON
// Schema `pattern` (startsWith also emits a `format` that editors do not know).
const absolutePath = z.string().regex(/^\//, { error: 'must start with "/"' });

const pathMatch = z.union(
  [z.strictObject({ pathPrefix: absolutePath }), z.strictObject({ exact: absolutePath })],
  { error: 'path is {pathPrefix: "/..."} or {exact: "/..."}' },
);

const route = z.strictObject({
  name: z.string().optional(),
  ruleName: z.string().optional(),
  hostnames: stringList.optional(),
  matches: z
    .array(z.strictObject({ path: pathMatch }))
    .optional()
    .describe("Default: every path."),
  policies: routePoliciesSchema.optional(),
  backends: z
    .array(z.strictObject({ mcp: mcpBackend, weight: z.int().optional() }))
    .length(1, { error: "a route has exactly one mcp backend" }),
});

const listener = z.strictObject({
  name: z.string().optional(),
  hostname: z.string().optional().describe("Only requests for this host name; default all."),
  protocol: z.enum(["HTTP"]).optional(),
  routes: z.array(route),
});

const address = z
  .string()
  .optional()
  .describe(`The address to listen on; default 127.0.0.1. ${GATEHOUSE_ONLY}`);

const bind = z.strictObject({
  port,
  address,
  listeners: z.array(listener),
});

const mcpShorthand = z
  .strictObject({
    port: port.optional().describe("Default 3000."),
    address,
    policies: routePoliciesSchema.optional(),
    ...mcpBackendFields,
  })
  .describe("The short form: one listener, one route for every path, one MCP backend.");

const settings = z.strictObject({
  mcp: z
    .strictObject({
      sessionTtl: duration
        .optional()
        .describe("Idle time after which a session and its processes end; default 30m."),
    })
    .optional(),
});

export const configSchema = z
  .strictObject({
    config: settings.optional(),
    binds: z.array(bind).optional(),
    mcp: mcpShorthand.optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.binds && !value.mcp) {
      ctx.addIssue({ code: "custom", path: [], message: 'the config needs "binds" or "mcp"' });
    }
  }, evenBesideOtherProblems)
  .describe("Gatehouse config: agentgateway's local config format.");

export type RawConfig = z.infer<typeof configSchema>;
export type RoutePolicies = z.infer<typeof routePoliciesSchema>;
export type RawTarget = z.infer<typeof target>;
export type RawMcpBackend = z.infer<typeof mcpBackend>;
export type CorsConfig = z.infer<typeof cors>;
export type JwtAuthConfig = z.infer<typeof jwtAuth>;
export type McpAuthenticationConfig = z.infer<typeof mcpAuthentication>;
export type RuleConfig = z.infer<typeof rule>;
