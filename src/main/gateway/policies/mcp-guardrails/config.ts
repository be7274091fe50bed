/**
 * The `mcpGuardrails` config, as agentgateway's `McpGuardrails` (crates/agentgateway/src/mcp/
 * guardrails/mod.rs) reads it. Keys agentgateway has that Gatehouse does not take are refused
 * by name, with why.
 */
import { z } from "zod";
import { notTaken } from "../../../config/schema-parts";
import { HTTP_TOKEN, isPseudoHeader, PSEUDO_HEADERS } from "../ext-authz/header-names";
import { serviceAddress } from "../ext-authz/service-address";
import { serviceConnectionPolicies } from "../service-connection";
import { PHASES } from "./method-phases";

const BY_HOST = "name the ExtMCP server with `host`";

const headerName = z.string().refine((name) => isPseudoHeader(name) || HTTP_TOKEN.test(name), {
  error: `not a valid HTTP header name, nor one of ${PSEUDO_HEADERS.join(", ")}`,
});

const connectionPolicies = serviceConnectionPolicies("ExtMCP server", "10s", true);

const remoteProcessor = z
  .strictObject({
    kind: z.literal("remote").describe("An ExtMCP gRPC server decides; the only kind there is."),
    methods: z
      .record(z.string(), z.enum(PHASES))
      .optional()
      .describe(
        "The methods this processor sees and when: `request` (before the targets), `response` (after), `full` (both) or `off`. Keys are a method (`tools/call`), a prefix (`tools/*`), a suffix (`*/list`) or `*`; the most specific wins. A method no key matches passes by.",
      ),
    host: z
      .string()
      .superRefine((host, ctx) => {
        const address = serviceAddress(host);
        if ("error" in address) ctx.addIssue({ code: "custom", message: address.error });
      })
      .describe("The ExtMCP server: host:port (plain HTTP/2), or an http:// or https:// URL."),
    backend: notTaken(BY_HOST),
    service: notTaken(`Gatehouse has no services list; ${BY_HOST}`),
    policies: connectionPolicies.optional(),
    failureMode: z
      .enum(["failClosed", "failOpen"])
      .optional()
      .describe(
        "When the server cannot be asked or answers wrongly: refuse the call (failClosed, default) or let it pass unchanged (failOpen).",
      ),
    metadata: z
      .record(z.string(), z.string().min(1).describe("A CEL expression."))
      .optional()
      .describe(
        "CEL values sent as `metadata_context`, one field per key; a key whose expression fails is left out.",
      ),
    requestHeaders: z
      .strictObject({
        allowed: z
          .array(headerName)
          .optional()
          .describe("Send only these headers; unset or empty: every header and pseudo-header."),
        disallowed: z
          .array(headerName)
          .optional()
          .describe("Never send these, whatever `allowed` says."),
      })
      .optional()
      .describe("Which headers of the HTTP request that carried a call the server is sent."),
  })
  .describe("A processor: one ExtMCP server, the methods it sees, and what a failure means.");

export const mcpGuardrailsSchema = z
  .strictObject({
    processors: z
      .array(remoteProcessor)
      .describe(
        "In order: each sees the call as the ones before it left it; the first to refuse answers the call.",
      ),
  })
  .describe(
    "Send MCP calls to external ExtMCP policy servers before they reach the targets (allow, change the params, or refuse) and after (allow, change the result, or refuse).",
  );

export type McpGuardrailsConfig = z.infer<typeof mcpGuardrailsSchema>;
export type ProcessorConfig = z.infer<typeof remoteProcessor>;
