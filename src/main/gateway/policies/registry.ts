import { accessLog } from "./access-log";
import { apiKey } from "./api-key";
import { authorization } from "./authorization";
import { backendAuth } from "./backend-auth";
import { backendTLS } from "./backend-tls";
import { basicAuth } from "./basic-auth";
import { cors } from "./cors";
import { csrf } from "./csrf";
import { delay } from "./delay";
import { directResponse } from "./direct-response";
import { dnsRebindingProtection } from "./dns-rebinding-protection";
import { extAuthz } from "./ext-authz";
import { extProc } from "./ext-proc";
import { jwtAuth } from "./jwt-auth";
import { localRateLimit } from "./local-rate-limit";
import { mcpAuthentication } from "./mcp-authentication";
import { mcpAuthorization } from "./mcp-authorization";
import { mcpGuardrails } from "./mcp-guardrails";
import { oidc } from "./oidc";
import type { PolicyKind } from "./policy";
import { requestHeaderModifier } from "./request-header-modifier";
import { requestMirror } from "./request-mirror";
import { requestRedirect } from "./request-redirect";
import { responseHeaderModifier } from "./response-header-modifier";
import { retry } from "./retry";
import { timeout } from "./timeout";
import { tracing } from "./tracing";
import { transformations } from "./transformations";
import { urlRewrite } from "./url-rewrite";

/**
 * Every policy Gatehouse implements. The config schema accepts exactly these keys, each where
 * its kind says it may be written; within one pipeline step they run in this order, and the
 * kinds that wrap the fetch to HTTP targets wrap in it too, the first outermost: a retry around
 * each attempt's time limit, credentials and TLS connection.
 */
export const POLICY_KINDS = [
  dnsRebindingProtection,
  cors,
  oidc,
  jwtAuth,
  basicAuth,
  apiKey,
  mcpAuthentication,
  extAuthz,
  extProc,
  authorization,
  mcpAuthorization,
  mcpGuardrails,
  localRateLimit,
  retry,
  timeout,
  requestRedirect,
  delay,
  directResponse,
  backendAuth,
  backendTLS,
  transformations,
  csrf,
  responseHeaderModifier,
  requestHeaderModifier,
  urlRewrite,
  requestMirror,
  accessLog,
  tracing,
] as const;

type Kinds = (typeof POLICY_KINDS)[number];

/** The policies written at one attachment point, by key, as the schema validated them. */
export type PolicyConfigs = {
  [K in Kinds as K["key"]]?: K extends PolicyKind<string, infer Config> ? Config : never;
};

export const KIND_BY_KEY: ReadonlyMap<string, PolicyKind> = new Map(
  POLICY_KINDS.map((kind) => [kind.key, kind as PolicyKind]),
);
