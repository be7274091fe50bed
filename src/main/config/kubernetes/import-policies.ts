import { createPublicKey } from "node:crypto";
import type { BridgeNotes } from "./bridge-notes";
import { isRecord, type Resource } from "./resource-set";

/** A policy written in the input: a local policy key, its value, and the field it came from. */
export interface PolicyField {
  key: "jwtAuth" | "authorization" | "mcpAuthorization";
  value: unknown;
  from: PropertyKey[];
  /** For rules: where the expression of each is, so that a rule's problem points at it. */
  rulesFrom?: PropertyKey[];
}

/** What a policy resource attaches to: a `targetRefs` entry, or a `targetSelectors` one. */
export type PolicyTarget =
  | { kind: string; name: string; sectionName?: string }
  | { kind: string; matchLabels: Record<string, string>; sectionName?: string };

/** A policy resource, read: where it attaches and the local policies it amounts to. */
export interface ImportedPolicy {
  resource: Resource;
  targets: PolicyTarget[];
  /** Runs before the route is chosen (`traffic.phase: PreRouting`), as local gateway policies do. */
  preRouting: boolean;
  fields: PolicyField[];
}

/** agentgateway's `traffic.jwtAuthentication.mode`, to the local `jwtAuth.mode`. */
const JWT_MODES: Record<string, string> = {
  Strict: "strict",
  Optional: "optional",
  Permissive: "permissive",
};

/** Gloo's `validationPolicy`, to the local `jwtAuth.mode` that does the same. */
const GLOO_VALIDATION_MODES: Record<string, string> = {
  REQUIRE_VALID: "strict",
  ALLOW_MISSING: "optional",
  ALLOW_MISSING_OR_FAILED: "permissive",
};

/** Kubernetes authorization actions, to the local rule form that does the same. */
const RULE_FORMS: Record<string, (expression: string) => unknown> = {
  Allow: (expression) => expression,
  Deny: (expression) => ({ deny: expression }),
  Require: (expression) => ({ require: expression }),
};

/** `AgentgatewayPolicy` (agentgateway.dev): `spec.traffic` and `spec.backend.mcp`. */
export function readAgentgatewayPolicy(resource: Resource, notes: BridgeNotes): ImportedPolicy {
  const spec = record(resource.body.spec);
  notes.unread(resource, ["spec"], spec, ["targetRefs", "targetSelectors", "traffic", "backend"]);
  const fields: PolicyField[] = [];
  const traffic = record(spec.traffic);
  notes.unread(resource, ["spec", "traffic"], traffic, [
    "phase",
    "jwtAuthentication",
    "authorization",
  ]);
  if (traffic.jwtAuthentication !== undefined) {
    const path = ["spec", "traffic", "jwtAuthentication"];
    const jwt = readJwtAuthentication(resource, path, record(traffic.jwtAuthentication), notes);
    if (jwt) fields.push({ key: "jwtAuth", value: jwt, from: path });
  }
  if (traffic.authorization !== undefined) {
    const path = ["spec", "traffic", "authorization"];
    const rules = readAuthorization(resource, path, traffic.authorization, notes);
    if (rules)
      fields.push(rulesField("authorization", rules, path, ["policy", "matchExpressions"]));
  }
  fields.push(...readBackendPolicies(resource, ["spec", "backend"], spec.backend, notes));
  return {
    resource,
    targets: readTargets(resource, spec, notes),
    preRouting: traffic.phase === "PreRouting",
    fields,
  };
}

/** The older `GlooTrafficPolicy` (gloo.solo.io): `spec.glooJWT` and `spec.rbac`. */
export function readGlooTrafficPolicy(resource: Resource, notes: BridgeNotes): ImportedPolicy {
  const spec = record(resource.body.spec);
  notes.unread(resource, ["spec"], spec, ["targetRefs", "targetSelectors", "glooJWT", "rbac"]);
  const fields: PolicyField[] = [];
  const glooJwt = record(spec.glooJWT);
  notes.unread(resource, ["spec", "glooJWT"], glooJwt, ["beforeExtAuth", "afterExtAuth"]);
  // Before or after external auth is a matter of order with extAuth, which is not imported.
  const stage = glooJwt.beforeExtAuth !== undefined ? "beforeExtAuth" : "afterExtAuth";
  if (glooJwt[stage] !== undefined) {
    const path = ["spec", "glooJWT", stage];
    const jwt = readGlooJwt(resource, path, record(glooJwt[stage]), notes);
    if (jwt) fields.push({ key: "jwtAuth", value: jwt, from: path });
  }
  if (spec.rbac !== undefined) {
    const path = ["spec", "rbac"];
    const rules = readAuthorization(resource, path, spec.rbac, notes);
    if (rules)
      fields.push(rulesField("authorization", rules, path, ["policy", "matchExpressions"]));
  }
  return { resource, targets: readTargets(resource, spec, notes), preRouting: false, fields };
}

/**
 * An agentgateway `BackendFull` (an AgentgatewayPolicy's `spec.backend`, an AgentgatewayBackend's
 * `spec.policies`): its MCP authorization, as the local `mcpAuthorization`.
 */
export function readBackendPolicies(
  resource: Resource,
  path: PropertyKey[],
  value: unknown,
  notes: BridgeNotes,
): PolicyField[] {
  const backend = record(value);
  notes.unread(resource, path, backend, ["mcp"]);
  const mcp = record(backend.mcp);
  notes.unread(resource, [...path, "mcp"], mcp, ["authorization"]);
  if (mcp.authorization === undefined) return [];
  const at = [...path, "mcp", "authorization"];
  const rules = readAuthorization(resource, at, mcp.authorization, notes);
  return rules ? [rulesField("mcpAuthorization", rules, at, ["policy", "matchExpressions"])] : [];
}

function rulesField(
  key: PolicyField["key"],
  rules: unknown[],
  from: PropertyKey[],
  expressions: PropertyKey[],
): PolicyField {
  return { key, value: { rules }, from, rulesFrom: [...from, ...expressions] };
}

function readTargets(
  resource: Resource,
  spec: Record<string, unknown>,
  notes: BridgeNotes,
): PolicyTarget[] {
  const targets: PolicyTarget[] = [];
  list(spec.targetRefs).forEach((ref, i) => {
    const r = record(ref);
    if (typeof r.kind !== "string" || typeof r.name !== "string") {
      notes.todo(resource, ["spec", "targetRefs", i], "a targetRef needs kind and name");
      return;
    }
    targets.push({ kind: r.kind, name: r.name, ...section(r) });
  });
  list(spec.targetSelectors).forEach((selector, i) => {
    const s = record(selector);
    const labels = record(s.matchLabels);
    if (typeof s.kind !== "string" || !Object.keys(labels).length) {
      notes.todo(
        resource,
        ["spec", "targetSelectors", i],
        "a targetSelector needs kind and matchLabels",
      );
      return;
    }
    targets.push({ kind: s.kind, matchLabels: labels as Record<string, string>, ...section(s) });
  });
  if (!targets.length) notes.todo(resource, ["spec"], "the policy targets nothing");
  return targets;
}

function section(ref: Record<string, unknown>): { sectionName?: string } {
  return typeof ref.sectionName === "string" ? { sectionName: ref.sectionName } : {};
}

function readJwtAuthentication(
  resource: Resource,
  path: PropertyKey[],
  jwt: Record<string, unknown>,
  notes: BridgeNotes,
): Record<string, unknown> | undefined {
  notes.unread(resource, path, jwt, ["mode", "providers"]);
  // agentgateway's Kubernetes default is Strict; the local default is optional: say it.
  const mode = JWT_MODES[typeof jwt.mode === "string" ? jwt.mode : "Strict"];
  if (!mode) {
    notes.todo(
      resource,
      [...path, "mode"],
      `mode is Strict, Optional or Permissive, not "${String(jwt.mode)}"`,
    );
    return undefined;
  }
  const providers = list(jwt.providers).flatMap((provider, i) =>
    readProvider(resource, [...path, "providers", i], provider, readJwks, notes),
  );
  return jwtAuthOf(mode, providers, resource, path, notes);
}

function readGlooJwt(
  resource: Resource,
  path: PropertyKey[],
  stage: Record<string, unknown>,
  notes: BridgeNotes,
): Record<string, unknown> | undefined {
  notes.unread(resource, path, stage, ["providers", "validationPolicy"]);
  const policy =
    typeof stage.validationPolicy === "string" ? stage.validationPolicy : "REQUIRE_VALID";
  const mode = GLOO_VALIDATION_MODES[policy];
  if (!mode) {
    notes.todo(
      resource,
      [...path, "validationPolicy"],
      `validationPolicy "${policy}" is not known`,
    );
    return undefined;
  }
  const providers = Object.entries(record(stage.providers)).flatMap(([name, provider]) =>
    readProvider(resource, [...path, "providers", name], provider, readGlooJwks, notes),
  );
  return jwtAuthOf(mode, providers, resource, path, notes);
}

/** Where a provider's keys are, in the form of its kind of policy. */
type JwksReader = (
  resource: Resource,
  path: PropertyKey[],
  jwks: Record<string, unknown>,
  notes: BridgeNotes,
) => unknown;

/** `{issuer, audiences, jwks}`, the same in both kinds of policy but for the keys' form. */
function readProvider(
  resource: Resource,
  path: PropertyKey[],
  value: unknown,
  readKeys: JwksReader,
  notes: BridgeNotes,
): Record<string, unknown>[] {
  const provider = record(value);
  notes.unread(resource, path, provider, ["issuer", "audiences", "jwks"]);
  const jwks = readKeys(resource, [...path, "jwks"], record(provider.jwks), notes);
  if (typeof provider.issuer !== "string") {
    notes.todo(resource, path, "a provider needs an issuer");
    return [];
  }
  return jwks ? [{ issuer: provider.issuer, ...audiences(provider.audiences), jwks }] : [];
}

/** One provider in the flat form agentgateway's local docs write; several under `providers`. */
function jwtAuthOf(
  mode: string,
  providers: Record<string, unknown>[],
  resource: Resource,
  path: PropertyKey[],
  notes: BridgeNotes,
): Record<string, unknown> | undefined {
  if (!providers.length) {
    notes.todo(resource, path, "no provider could be imported, so no token could be checked");
    return undefined;
  }
  return providers.length === 1 ? { mode, ...providers[0] } : { mode, providers };
}

function audiences(value: unknown): { audiences?: string[] } {
  const list = Array.isArray(value) ? value.filter((a) => typeof a === "string") : [];
  return list.length ? { audiences: list } : {};
}

/** `jwks: {inline}` or `{remote: {url}}`; a JWKS served by a Service has no local address. */
function readJwks(
  resource: Resource,
  path: PropertyKey[],
  jwks: Record<string, unknown>,
  notes: BridgeNotes,
): unknown {
  notes.unread(resource, path, jwks, ["inline", "remote"]);
  if (typeof jwks.inline === "string") return jwks.inline;
  const remote = record(jwks.remote);
  if (typeof remote.url === "string") {
    notes.unread(resource, [...path, "remote"], remote, ["url", "cacheDuration"]);
    return { url: remote.url };
  }
  if (remote.backendRef !== undefined)
    return serviceJwks(resource, [...path, "remote"], remote, notes);
  notes.todo(resource, path, "jwks needs inline or remote");
  return undefined;
}

/**
 * A JWKS behind a cluster Service has no address from this machine: the import writes the
 * cluster-internal URL, which fails to load until it is replaced (a port-forward, or the file).
 */
function serviceJwks(
  resource: Resource,
  path: PropertyKey[],
  remote: Record<string, unknown>,
  notes: BridgeNotes,
): unknown {
  const ref = record(remote.backendRef);
  const namespace = typeof ref.namespace === "string" ? ref.namespace : resource.namespace;
  const port = typeof ref.port === "number" ? `:${ref.port}` : "";
  const jwksPath = typeof remote.jwksPath === "string" ? remote.jwksPath : "/";
  const url = `http://${String(ref.name)}.${namespace}.svc.cluster.local${port}${jwksPath.startsWith("/") ? "" : "/"}${jwksPath}`;
  notes.todo(
    resource,
    [...path, "backendRef"],
    `the JWKS is served by ${String(ref.kind ?? "Service")} ${String(ref.name)}, which has no address on this machine: ${url} was written in its place; replace it with a URL this machine can reach (kubectl port-forward) or a file`,
  );
  return { url };
}

/** Gloo's `jwks.local.key` (a JWKS or a PEM public key) or `jwks.remote.url`. */
function readGlooJwks(
  resource: Resource,
  path: PropertyKey[],
  jwks: Record<string, unknown>,
  notes: BridgeNotes,
): unknown {
  notes.unread(resource, path, jwks, ["local", "remote"]);
  const key = record(jwks.local).key;
  if (typeof key === "string")
    return key.trimStart().startsWith("-----BEGIN") ? pemToJwks(key) : key;
  const remote = record(jwks.remote);
  if (typeof remote.url === "string") {
    notes.unread(resource, [...path, "remote"], remote, ["url", "cacheDuration"]);
    return { url: remote.url };
  }
  if (remote.upstreamRef !== undefined) {
    notes.todo(
      resource,
      [...path, "remote", "upstreamRef"],
      "a JWKS served by an upstream has no address on this machine",
    );
    return undefined;
  }
  notes.todo(resource, path, "jwks needs local.key or remote.url");
  return undefined;
}

/** A PEM public key as the one-key JWKS the local `jwks` takes. */
function pemToJwks(pem: string): string {
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  return JSON.stringify({ keys: [{ ...jwk, use: "sig" }] });
}

/**
 * `{action, policy: {matchExpressions}}` as local rules: agentgateway makes each expression a
 * rule of its own with the action's effect, so any allowing expression allows.
 */
function readAuthorization(
  resource: Resource,
  path: PropertyKey[],
  value: unknown,
  notes: BridgeNotes,
): unknown[] | undefined {
  const authorization = record(value);
  notes.unread(resource, path, authorization, ["action", "policy"]);
  const action = typeof authorization.action === "string" ? authorization.action : "Allow";
  const form = RULE_FORMS[action];
  if (!form) {
    notes.todo(resource, [...path, "action"], `action is Allow, Deny or Require, not "${action}"`);
    return undefined;
  }
  const policy = record(authorization.policy);
  notes.unread(resource, [...path, "policy"], policy, ["matchExpressions"]);
  const expressions = list(policy.matchExpressions).filter((e) => typeof e === "string");
  if (!expressions.length) {
    notes.todo(
      resource,
      [...path, "policy"],
      "policy.matchExpressions is empty: nothing to import",
    );
    return undefined;
  }
  return expressions.map(form);
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
