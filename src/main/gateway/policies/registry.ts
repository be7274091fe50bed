import { authorization } from "./authorization";
import { backendAuth } from "./backend-auth";
import { cors } from "./cors";
import { dnsRebindingProtection } from "./dns-rebinding-protection";
import { jwtAuth } from "./jwt-auth";
import { mcpAuthentication } from "./mcp-authentication";
import { mcpAuthorization } from "./mcp-authorization";
import type { PolicyKind } from "./policy";

/**
 * Every policy Gatehouse implements. The config schema accepts exactly these keys, each where
 * its kind says it may be written; within one pipeline step they run in this order.
 */
export const POLICY_KINDS = [
  dnsRebindingProtection,
  cors,
  jwtAuth,
  mcpAuthentication,
  authorization,
  mcpAuthorization,
  backendAuth,
] as const;

type Kinds = (typeof POLICY_KINDS)[number];

/** The policies written at one attachment point, by key, as the schema validated them. */
export type PolicyConfigs = {
  [K in Kinds as K["key"]]?: K extends PolicyKind<string, infer Config> ? Config : never;
};

export const KIND_BY_KEY: ReadonlyMap<string, PolicyKind> = new Map(
  POLICY_KINDS.map((kind) => [kind.key, kind as PolicyKind]),
);
