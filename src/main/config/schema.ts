/**
 * The config file's schema: agentgateway's local config format, the parts a desktop gateway
 * needs. The validator, the TypeScript types and the JSON Schema shipped in `resources/` are all
 * generated from this one definition, so they cannot disagree. Objects are strict: a key that
 * is not here is an error, as in agentgateway (`deny_unknown_fields`).
 */
import { z } from "zod";
import type { Attachment } from "../gateway/policies/policy";
import { dnsRebindingProtection } from "../gateway/policies/dns-rebinding-protection";
import { POLICY_KINDS, type PolicyConfigs } from "../gateway/policies/registry";
import { duration, evenBesideOtherProblems, port, stringList } from "./schema-parts";

const GATEHOUSE_ONLY = "Gatehouse only: agentgateway rejects this key.";

// ---- policies ----------------------------------------------------------------------------

/** The policies that may be written at an attachment point: one optional key per kind. */
function policiesAt(attachment: Attachment) {
  const shape: Record<string, z.ZodType> = {};
  for (const kind of POLICY_KINDS) {
    if (kind.attachments.includes(attachment) && !("writtenOnBackend" in kind)) {
      shape[kind.key] = (kind.schema as z.ZodType).optional();
    }
  }
  return z.strictObject(shape) as unknown as z.ZodType<PolicyConfigs>;
}

export const routePoliciesSchema = policiesAt("route").describe(
  "Policies applied to every request of the route.",
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
export type RoutePolicies = PolicyConfigs;
export type RawTarget = z.infer<typeof target>;
export type RawMcpBackend = z.infer<typeof mcpBackend>;
