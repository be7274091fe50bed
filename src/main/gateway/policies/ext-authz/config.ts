/**
 * The `extAuthz` config, as agentgateway's `ExtAuthz` (crates/agentgateway/src/http/ext_authz.rs)
 * reads it. Keys agentgateway has that Gatehouse does not take are refused by name, with why.
 */
import { z } from "zod";
import { evenBesideOtherProblems, notTaken } from "../../../config/schema-parts";
import { serviceConnectionPolicies } from "../service-connection";
import { HTTP_TOKEN, isPseudoHeader, PSEUDO_HEADERS } from "./header-names";
import { serviceOrSocketAddress } from "./service-address";

/** agentgateway's default for `includeRequestBody.maxRequestBytes`, as its docs give it. */
export const DEFAULT_MAX_REQUEST_BYTES = 8192;
/**
 * The most body a check may carry: gRPC servers take 4 MiB messages by default, and a body is
 * held in memory for the check.
 */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const headerName = z.string().regex(HTTP_TOKEN, { error: "not a valid HTTP header name" });

const requestHeaderName = z
  .string()
  .refine((name) => isPseudoHeader(name) || HTTP_TOKEN.test(name), {
    error: `not a valid HTTP header name, nor one of ${PSEUDO_HEADERS.join(", ")}`,
  });

const cel = z.string().min(1).describe("A CEL expression.");

/** A name `extauthz.<name>` can reach. */
const CEL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const NOT_YET = "not implemented yet";
const BY_HOST = "name the authorization service with `host`";

const grpcProtocol = z
  .strictObject({
    context: z
      .record(z.string(), z.string())
      .optional()
      .describe("Static values sent as the CheckRequest's `context_extensions`."),
    metadata: z
      .record(z.string(), cel)
      .optional()
      .describe(
        "CEL values sent as `metadata_context.filter_metadata`, one struct per key. Unset: the caller's verified JWT claims under `envoy.filters.http.jwt_authn`.",
      ),
  })
  .describe("Envoy's gRPC `envoy.service.auth.v3.Authorization/Check`.");

const httpProtocol = z
  .strictObject({
    path: cel.optional().describe("CEL: the path of the check request; default the request's."),
    redirect: cel
      .optional()
      .describe("CEL: on a 401 or 403 from the service, answer 302 to this URL instead."),
    body: cel
      .optional()
      .describe("CEL: the check request's body (strings and bytes as they are, else JSON)."),
    includeResponseHeaders: z
      .array(headerName)
      .optional()
      .describe("Headers of an allowing answer to set on the request (and send to HTTP targets)."),
    addRequestHeaders: z
      .record(requestHeaderName, cel)
      .optional()
      .describe("CEL: headers to set on the check request."),
    metadata: z
      .record(z.string().regex(CEL_IDENTIFIER, { error: "not a CEL field name" }), cel)
      .optional()
      .describe(
        "CEL over an allowing answer (`response.code`, `response.headers`, `response.body`): values later rules and log fields read as `extauthz.<name>`.",
      ),
  })
  .describe("A plain HTTP request per check: 2xx allows; any other answer is the denial.");

const protocol = z
  .strictObject({ grpc: grpcProtocol.optional(), http: httpProtocol.optional() })
  .refine((value) => (value.grpc === undefined) !== (value.http === undefined), {
    error: "protocol is either {grpc: {...}} or {http: {...}}",
    ...evenBesideOtherProblems,
  })
  .describe("How to call the service; default gRPC.");

const failureMode = z
  .union(
    [z.enum(["allow", "deny"]), z.strictObject({ denyWithStatus: z.int().min(100).max(599) })],
    { error: 'failureMode is "allow", "deny" or {denyWithStatus: <HTTP status>}' },
  )
  .describe(
    "When the service cannot decide (unreachable, timed out, failed): deny with 403 (default), allow, or deny with this status.",
  );

const bodyOptions = z
  .strictObject({
    maxRequestBytes: z
      .int()
      .min(0)
      .max(MAX_REQUEST_BYTES)
      .optional()
      .describe(`At most this much of the body is sent; default ${DEFAULT_MAX_REQUEST_BYTES}.`),
    allowPartialMessage: z
      .boolean()
      .optional()
      .describe("Send the first maxRequestBytes of a longer body, instead of refusing it (413)."),
    packAsBytes: z
      .boolean()
      .optional()
      .describe("gRPC: send the body as raw bytes (`raw_body`) rather than as text."),
  })
  .describe("Send the request body to the service.");

const connectionPolicies = serviceConnectionPolicies("authorization service", "2s", false);

export const extAuthzSchema = z
  .strictObject({
    host: z
      .string()
      .superRefine((host, ctx) => {
        const address = serviceOrSocketAddress(host);
        if ("error" in address) ctx.addIssue({ code: "custom", message: address.error });
      })
      .describe(
        "The authorization service: host:port, an http:// or https:// URL, or unix:/path of a Unix socket.",
      ),
    service: notTaken(`Gatehouse has no services list; ${BY_HOST}`),
    backend: notTaken(BY_HOST),
    policies: connectionPolicies.optional(),
    protocol: protocol.optional(),
    failureMode: failureMode.optional(),
    includeRequestHeaders: z
      .array(requestHeaderName)
      .optional()
      .describe(
        "Request headers sent to the service. Unset: gRPC sends every header, HTTP only Authorization.",
      ),
    includeRequestBody: bodyOptions.optional(),
    cache: notTaken(NOT_YET),
    conditional: notTaken(NOT_YET),
  })
  .superRefine((value, ctx) => {
    const http = value.protocol?.http;
    if (http?.body !== undefined && value.includeRequestBody !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["includeRequestBody"],
        message: "protocol.http.body replaces the request body: leave out includeRequestBody",
      });
    }
    if (http && value.includeRequestBody?.packAsBytes !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["includeRequestBody", "packAsBytes"],
        message: "packAsBytes applies to gRPC checks only",
      });
    }
  }, evenBesideOtherProblems)
  .describe(
    "Ask an external authorization service (Envoy ext_authz, gRPC or HTTP) whether each request may pass.",
  );

export type ExtAuthzConfig = z.infer<typeof extAuthzSchema>;
export type GrpcProtocolConfig = z.infer<typeof grpcProtocol>;
export type HttpProtocolConfig = z.infer<typeof httpProtocol>;
export type FailureModeConfig = z.infer<typeof failureMode>;
