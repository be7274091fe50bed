/**
 * The Kubernetes API's view of the resources `gatehouse export k8s` writes, as data: for each kind the
 * OpenAPI v3 structural schema its CRD declares, and the CRD's `x-kubernetes-validations` CEL rules
 * rewritten as TypeScript predicates with the same messages (each quotes the CEL it stands for).
 *
 * Sources (read, not copied; checked field by field against the generated CRDs):
 * - agentgateway commit 75b4e6ce6e0e1ac7959d5548ebe8dbeaede4f180:
 *   controller/api/v1alpha1/agentgateway/{agentgateway_policy_types,rbac,shared_types,agentgateway_backend_types}.go
 *   and controller/install/helm/agentgateway-crds/templates/agentgateway.dev_agentgateway{policies,backends}.yaml
 * - Gateway API v1.6.1 (the version agentgateway's go.mod pins; tag commit 8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3):
 *   config/crd/standard/gateway.networking.k8s.io_{httproutes,gateways}.yaml, version v1
 *
 * Only the fields an MCP export uses are described. Every object is closed (`additionalProperties: false`),
 * the way `kubectl apply` (strict field validation by default) refuses unknown fields, so a field that the
 * CRD has but this file does not describe is reported as unknown too: describe it here, from the CRD, before
 * the exporter writes it. CEL rules are encoded only where every field they read is described.
 */

/** One `x-kubernetes-validations` entry. `rule` sees the node after defaulting, once its types check. */
export interface CelRule {
  message: string;
  rule: (self: unknown) => boolean;
}

export interface StructuralSchema {
  type?: "object" | "array" | "string" | "integer" | "boolean";
  format?: "int32";
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  additionalProperties?: false | StructuralSchema;
  "x-kubernetes-preserve-unknown-fields"?: true;
  items?: StructuralSchema;
  enum?: (string | number)[];
  default?: unknown;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: CelRule[];
}

/**
 * Types a predicate by the node it is attached to. The cast is sound because the validator runs the rules
 * only on a defaulted resource whose types passed the structural schema, as the API server does.
 */
function cel<Self>(message: string, rule: (self: Self) => boolean): CelRule {
  return { message, rule: rule as (self: unknown) => boolean };
}

type Fields = Record<string, unknown>;
const has = (self: Fields, field: string): boolean => self[field] !== undefined;
const setCount = (self: Fields, fields: string[]): number =>
  fields.filter((field) => has(self, field)).length;

// The rules controller-gen writes for +kubebuilder:validation:ExactlyOneOf / AtLeastOneOf / AtMostOneOf:
// "[has(self.a),has(self.b)].filter(x,x==true).size() == 1" (resp. ">= 1", "<= 1").
const exactlyOneOf = (fields: string[]): CelRule =>
  cel<Fields>(
    `exactly one of the fields in [${fields.join(" ")}] must be set`,
    (self) => setCount(self, fields) === 1,
  );
const atLeastOneOf = (fields: string[]): CelRule =>
  cel<Fields>(
    `at least one of the fields in [${fields.join(" ")}] must be set`,
    (self) => setCount(self, fields) >= 1,
  );
const atMostOneOf = (fields: string[]): CelRule =>
  cel<Fields>(
    `at most one of the fields in [${fields.join(" ")}] may be set`,
    (self) => setCount(self, fields) <= 1,
  );

// ---------------------------------------------------------------------------------------------------------
// Shared building blocks

const DNS1123_SUBDOMAIN = String.raw`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
const DNS1123_LABEL = String.raw`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`;
const GROUP = String.raw`^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
const KIND = String.raw`^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`;
const HOSTNAME = String.raw`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
const HEADER_NAME = String.raw`^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$`;
const GO_DURATION = String.raw`^([0-9]{1,5}(h|m|s|ms)){1,4}$`;
const HTTP_URL = String.raw`^https?://[^/?#@]+(/[^?#]*)?$`;

const closed = (
  properties: Record<string, StructuralSchema>,
  more: Omit<StructuralSchema, "type" | "properties" | "additionalProperties"> = {},
): StructuralSchema => ({ type: "object", properties, additionalProperties: false, ...more });
const string = (limits: Omit<StructuralSchema, "type"> = {}): StructuralSchema => ({
  type: "string",
  ...limits,
});
const listOf = (items: StructuralSchema, limits: Omit<StructuralSchema, "type" | "items"> = {}) =>
  ({ type: "array", items, ...limits }) satisfies StructuralSchema;
const stringMap: StructuralSchema = { type: "object", additionalProperties: string() };

const port: StructuralSchema = { type: "integer", format: "int32", minimum: 1, maximum: 65535 };
const group = string({ maxLength: 253, pattern: GROUP });
const kind = string({ minLength: 1, maxLength: 63, pattern: KIND });
const objectName = string({ minLength: 1, maxLength: 253 });
const namespace = string({ minLength: 1, maxLength: 63, pattern: DNS1123_LABEL });
const sectionName = string({ minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN });

/** metadata: the CRDs say only `type: object`; the API server's ObjectMeta checks name and namespace. */
const objectMeta = closed(
  { name: string(), namespace: string(), labels: stringMap, annotations: stringMap },
  { required: ["name"] },
);

/** A Go duration as the CRD's pattern admits it ("1h30m", "500ms"), in milliseconds. */
function goDurationMs(text: string): number {
  const unitMs = new Map([
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ]);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+)(ms|h|m|s)/g)) {
    total += Number(amount) * (unitMs.get(unit ?? "") ?? Number.NaN);
  }
  return total;
}

/** Gateway API BackendObjectReference (also agentgateway's PolicyBackendEndpoint backendRef). */
interface BackendObjectReference {
  group: string;
  kind: string;
  port?: number;
}
const backendObjectReferenceProperties = {
  group: { ...group, default: "" },
  kind: { ...kind, default: "Service" },
  name: objectName,
  namespace,
  port,
};
const mustHavePortForService = cel<BackendObjectReference>(
  "Must have port for Service reference",
  // (size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true
  (ref) => (ref.group.length === 0 && ref.kind === "Service" ? ref.port !== undefined : true),
);
const backendObjectReference = closed(backendObjectReferenceProperties, {
  required: ["name"],
  "x-kubernetes-validations": [mustHavePortForService],
});

const labelSelectorRequirement = closed(
  {
    key: string(),
    operator: string(),
    values: listOf(string(), { "x-kubernetes-list-type": "atomic" }),
  },
  { required: ["key", "operator"] },
);
const labelSelector = closed({
  matchExpressions: listOf(labelSelectorRequirement, { "x-kubernetes-list-type": "atomic" }),
  matchLabels: stringMap,
});

// ---------------------------------------------------------------------------------------------------------
// AgentgatewayPolicy (agentgateway.dev/v1alpha1)

/** rbac.go: Authorization, used by traffic.authorization and backend.mcp.authorization. */
const authorization = closed(
  {
    action: string({ enum: ["Allow", "Deny", "Require"], default: "Allow" }),
    policy: closed(
      {
        matchExpressions: listOf(string({ minLength: 1, maxLength: 16384 }), {
          minItems: 1,
          maxItems: 256,
        }),
      },
      { required: ["matchExpressions"] },
    ),
  },
  { required: ["policy"] },
);

interface RemoteJwks {
  backendRef?: unknown;
  url?: string;
  jwksPath?: string;
}
/** RemoteJWKS: a url, or a backendRef plus jwksPath (PolicyBackendEndpoint inlined). */
const remoteJwks = closed(
  {
    backendRef: backendObjectReference,
    url: string({ minLength: 1, maxLength: 1024, pattern: HTTP_URL }),
    jwksPath: string({ minLength: 1, maxLength: 1024 }),
    cacheDuration: string({
      maxLength: 32,
      pattern: GO_DURATION,
      default: "5m",
      "x-kubernetes-validations": [
        cel<string>(
          "cacheDuration must be at least 5m.",
          // duration(self) >= duration('5m')
          (duration) => goDurationMs(duration) >= goDurationMs("5m"),
        ),
      ],
    }),
  },
  {
    "x-kubernetes-validations": [
      cel<RemoteJwks>(
        "jwksPath is required when backendRef is set",
        // has(self.backendRef) ? has(self.jwksPath) : true
        (remote) => (remote.backendRef !== undefined ? remote.jwksPath !== undefined : true),
      ),
      cel<RemoteJwks>(
        "jwksPath may not be set when url is set",
        // has(self.url) ? !has(self.jwksPath) : true
        (remote) => (remote.url !== undefined ? remote.jwksPath === undefined : true),
      ),
      exactlyOneOf(["backendRef", "url"]),
    ],
  },
);

const mcpIdentityProvider = string({
  enum: ["Auth0", "Authentik", "Descope", "Entra", "Keycloak", "Okta"],
});
const resourceMetadata: StructuralSchema = {
  type: "object",
  additionalProperties: { "x-kubernetes-preserve-unknown-fields": true },
};
const jwtMode = string({ enum: ["Optional", "Permissive", "Strict"], default: "Strict" });

interface JwtAuthentication {
  mode: string;
  providers: unknown[];
  mcp?: unknown;
}
const jwtAuthentication = closed(
  {
    mode: jwtMode,
    providers: listOf(
      closed(
        {
          issuer: string({ minLength: 1, maxLength: 256 }),
          audiences: listOf(string(), { minItems: 1, maxItems: 64 }),
          jwks: closed(
            { remote: remoteJwks, inline: string({ minLength: 2, maxLength: 65536 }) },
            // ExactlyOneOf=remote;inline
            { "x-kubernetes-validations": [exactlyOneOf(["remote", "inline"])] },
          ),
        },
        { required: ["issuer", "jwks"] },
      ),
      { minItems: 1, maxItems: 64 },
    ),
    mcp: closed({ resourceMetadata, provider: mcpIdentityProvider, clientId: string() }),
  },
  {
    required: ["providers"],
    "x-kubernetes-validations": [
      cel<JwtAuthentication>(
        "jwtAuthentication.mcp requires exactly one provider",
        // !has(self.mcp) || size(self.providers) == 1
        (jwt) => jwt.mcp === undefined || jwt.providers.length === 1,
      ),
      cel<JwtAuthentication>(
        "jwtAuthentication.mcp requires mode Strict",
        // !has(self.mcp) || !has(self.mode) || self.mode == 'Strict'
        (jwt) => jwt.mcp === undefined || jwt.mode === "Strict",
      ),
    ],
  },
);

/** backend.mcp.authentication: the MCP authorization-server flavour of JWT validation. */
const mcpAuthentication = closed(
  {
    issuer: string({ minLength: 1, maxLength: 256 }),
    audiences: listOf(string(), { minItems: 1, maxItems: 64 }),
    jwks: remoteJwks,
    mode: jwtMode,
    provider: mcpIdentityProvider,
    resourceMetadata,
    clientId: string(),
  },
  { required: ["jwks"] },
);

interface PolicyTarget {
  kind: string;
  group: string;
  sectionName?: string;
  port?: number;
}
type PolicyTargetList = "targetRefs" | "targetSelectors";
interface PolicySpec extends Partial<Record<PolicyTargetList, PolicyTarget[]>> {
  traffic?: { phase?: string; jwtAuthentication?: unknown };
  frontend?: unknown;
  backend?: { mcp?: { authentication?: unknown } };
}

const policyTargetKindsRule = cel<PolicyTarget[]>(
  "targetRefs may only reference Gateway, HTTPRoute, GRPCRoute, ListenerSet, Service, AgentgatewayBackend, or InferencePool resources",
  // self.all(r, (r.kind == 'Service' && r.group == '') || (r.kind == 'AgentgatewayBackend' && r.group == 'agentgateway.dev')
  //   || (r.kind in ['Gateway', 'HTTPRoute', 'GRPCRoute'] && r.group == 'gateway.networking.k8s.io')
  //   || (r.kind == 'ListenerSet' && r.group == 'gateway.networking.k8s.io')
  //   || (r.kind == 'InferencePool' && r.group == 'inference.networking.k8s.io'))
  (targets) =>
    targets.every(
      (r) =>
        (r.kind === "Service" && r.group === "") ||
        (r.kind === "AgentgatewayBackend" && r.group === "agentgateway.dev") ||
        (["Gateway", "HTTPRoute", "GRPCRoute", "ListenerSet"].includes(r.kind) &&
          r.group === "gateway.networking.k8s.io") ||
        (r.kind === "InferencePool" && r.group === "inference.networking.k8s.io"),
    ),
);
const oneTargetKindRule = cel<PolicyTarget[]>(
  "Only one Kind of targetRef can be set on one policy",
  // self.all(l1, !self.exists(l2, l1.kind != l2.kind))
  (targets) => targets.every((l1) => !targets.some((l2) => l1.kind !== l2.kind)),
);
const policyTargetFields = {
  group,
  kind,
  sectionName,
  port,
};
const policyTargetList = (item: StructuralSchema): StructuralSchema =>
  listOf(item, {
    minItems: 1,
    maxItems: 16,
    "x-kubernetes-validations": [policyTargetKindsRule, oneTargetKindRule],
  });
// Both target items carry AtMostOneOf=sectionName;port.
const targetRefs = policyTargetList(
  closed(
    { ...policyTargetFields, name: objectName },
    {
      required: ["group", "kind", "name"],
      "x-kubernetes-validations": [atMostOneOf(["sectionName", "port"])],
    },
  ),
);
const targetSelectors = policyTargetList(
  closed(
    { ...policyTargetFields, matchLabels: stringMap },
    {
      required: ["group", "kind", "matchLabels"],
      "x-kubernetes-validations": [atMostOneOf(["sectionName", "port"])],
    },
  ),
);

/**
 * The CRD states most spec rules twice, once over targetRefs and once over targetSelectors, with one message.
 * This writes both from one predicate; the comment at each call site quotes the targetRefs version.
 */
const forEachTargetList = (
  message: string,
  holds: (targets: PolicyTarget[], spec: PolicySpec) => boolean,
): CelRule[] =>
  (["targetRefs", "targetSelectors"] as const).map((list) =>
    cel<PolicySpec>(message, (spec) => {
      const targets = spec[list];
      return targets === undefined || holds(targets, spec);
    }),
  );

const policySpecRules: CelRule[] = [
  cel<PolicySpec>(
    "At least one of traffic, frontend, or backend must be provided.",
    // has(self.traffic) || has(self.frontend) || has(self.backend)
    (spec) =>
      spec.traffic !== undefined || spec.frontend !== undefined || spec.backend !== undefined,
  ),
  ...forEachTargetList(
    "backend.mcp may not be used with a Service target",
    // !has(self.backend) || !has(self.backend.mcp) || ((!has(self.targetRefs) || !self.targetRefs.exists(t, t.kind == 'Service')) && ...)
    (targets, spec) =>
      spec.backend?.mcp === undefined || !targets.some((t) => t.kind === "Service"),
  ),
  ...forEachTargetList(
    "backend.mcp may not target an AgentgatewayBackend sectionName",
    // !has(self.backend) || !has(self.backend.mcp) || ((!has(self.targetRefs)
    //   || !self.targetRefs.exists(t, t.kind == 'AgentgatewayBackend' && has(t.sectionName))) && ...)
    (targets, spec) =>
      spec.backend?.mcp === undefined ||
      !targets.some((t) => t.kind === "AgentgatewayBackend" && t.sectionName !== undefined),
  ),
  cel<PolicySpec>(
    "traffic.jwtAuthentication may not be used with backend.mcp.authentication in the same policy",
    // !(has(self.traffic) && has(self.traffic.jwtAuthentication) && has(self.backend) && has(self.backend.mcp)
    //   && has(self.backend.mcp.authentication))
    (spec) =>
      !(
        spec.traffic?.jwtAuthentication !== undefined &&
        spec.backend?.mcp?.authentication !== undefined
      ),
  ),
  ...forEachTargetList(
    "port may only be set on frontend-only policies (not traffic or backend)",
    // has(self.targetRefs) && self.targetRefs.exists(t, has(t.port))
    //   ? (has(self.frontend) && !has(self.traffic) && !has(self.backend)) : true
    (targets, spec) =>
      targets.some((t) => t.port !== undefined)
        ? spec.frontend !== undefined && spec.traffic === undefined && spec.backend === undefined
        : true,
  ),
  ...forEachTargetList(
    "the 'traffic' field can only target a Gateway, ListenerSet, GRPCRoute, HTTPRoute, or InferencePool",
    // has(self.traffic) && has(self.targetRefs)
    //   ? self.targetRefs.all(t, t.kind in ['Gateway', 'HTTPRoute', 'GRPCRoute', 'ListenerSet', 'InferencePool']) : true
    (targets, spec) =>
      spec.traffic === undefined ||
      targets.every((t) =>
        ["Gateway", "HTTPRoute", "GRPCRoute", "ListenerSet", "InferencePool"].includes(t.kind),
      ),
  ),
  ...forEachTargetList(
    "the 'traffic.phase=PreRouting' field can only target a Gateway or ListenerSet",
    // has(self.targetRefs) && has(self.traffic) && has(self.traffic.phase) && self.traffic.phase == 'PreRouting'
    //   ? self.targetRefs.all(t, t.kind in ['Gateway', 'ListenerSet']) : true
    (targets, spec) =>
      spec.traffic?.phase !== "PreRouting" ||
      targets.every((t) => ["Gateway", "ListenerSet"].includes(t.kind)),
  ),
  ...forEachTargetList(
    "Service sectionName must be a numeric port from 1 to 65535",
    // !has(self.targetRefs) || self.targetRefs.all(t, t.kind != 'Service' || !has(t.sectionName)
    //   || (int(t.sectionName) >= 1 && int(t.sectionName) <= 65535))
    // (CEL's int() fails on a non-number, which the API server reports as an error too.)
    (targets) =>
      targets.every((t) => {
        if (t.kind !== "Service" || t.sectionName === undefined) return true;
        const number = /^[0-9]+$/.test(t.sectionName) ? Number(t.sectionName) : NaN;
        return number >= 1 && number <= 65535;
      }),
  ),
  exactlyOneOf(["targetRefs", "targetSelectors"]),
];
// Not encoded, as they read fields not described here (strategy, frontend, backend.ai, the traffic fields
// PreRouting excludes): "strategy.inheritance may only be set on traffic policies", the frontend rules,
// "backend.ai may not be used with a Service target", and traffic's "phase PreRouting only supports ...".

const agentgatewayPolicySpec = closed(
  {
    targetRefs,
    targetSelectors,
    traffic: closed({
      phase: string({ enum: ["PostRouting", "PreRouting"] }),
      jwtAuthentication,
      authorization,
    }),
    backend: closed(
      {
        mcp: closed(
          { authentication: mcpAuthentication, authorization },
          {
            "x-kubernetes-validations": [
              atLeastOneOf(["authentication", "authorization", "guardrails"]),
            ],
          },
        ),
      },
      {
        "x-kubernetes-validations": [
          atLeastOneOf([
            "ai",
            "auth",
            "extAuth",
            "health",
            "http",
            "mcp",
            "tcp",
            "tls",
            "transformation",
            "tunnel",
          ]),
        ],
      },
    ),
  },
  { "x-kubernetes-validations": policySpecRules },
);

// ---------------------------------------------------------------------------------------------------------
// AgentgatewayBackend (agentgateway.dev/v1alpha1)

interface BackendTls {
  insecureSkipVerify?: string;
  caCertificateRefs?: unknown;
  verifySubjectAltNames?: unknown;
}
/** BackendTLS, as an MCP target's policies.tls. */
const backendTls = closed(
  {
    sni: string({ minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN }),
    alpnProtocols: listOf(string({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 16 }),
    insecureSkipVerify: string({ enum: ["All", "Hostname"] }),
    verifySubjectAltNames: listOf(string({ minLength: 1, maxLength: 256 }), {
      minItems: 1,
      maxItems: 16,
    }),
    caCertificateRefs: listOf(
      closed(
        { kind: string({ enum: ["ConfigMap", "Secret"], default: "ConfigMap" }), name: objectName },
        { required: ["name"] },
      ),
      { maxItems: 1, "x-kubernetes-list-type": "atomic" },
    ),
  },
  {
    "x-kubernetes-validations": [
      cel<BackendTls>(
        "insecureSkipVerify All and caCertificateRefs may not be set together",
        // has(self.insecureSkipVerify) && self.insecureSkipVerify == 'All' ? !has(self.caCertificateRefs) : true
        (tls) => (tls.insecureSkipVerify === "All" ? tls.caCertificateRefs === undefined : true),
      ),
      cel<BackendTls>(
        "insecureSkipVerify and verifySubjectAltNames may not be set together",
        // has(self.insecureSkipVerify) ? !has(self.verifySubjectAltNames) : true
        (tls) =>
          tls.insecureSkipVerify !== undefined ? tls.verifySubjectAltNames === undefined : true,
      ),
      atMostOneOf(["verifySubjectAltNames", "insecureSkipVerify"]),
    ],
  },
);
// Not encoded: the certificateSource SPIFFE rule (certificateSource and mtlsCertificateRef are not described).

interface StaticMcpTarget {
  backendRef?: unknown;
  policies?: unknown;
}
const mcpTarget = closed(
  {
    name: string({ minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN }),
    static: closed(
      {
        host: string({ minLength: 1, maxLength: 256 }),
        backendRef: closed({ name: string({ default: "" }) }),
        port,
        path: string({ minLength: 1, maxLength: 1024 }),
        protocol: string({ enum: ["SSE", "StreamableHTTP"] }),
        policies: closed({ tls: backendTls }),
      },
      {
        required: ["port"],
        "x-kubernetes-validations": [
          cel<StaticMcpTarget>(
            "mcp target policies may not be used with backendRef",
            // !has(self.backendRef) || !has(self.policies)
            (target) => target.backendRef === undefined || target.policies === undefined,
          ),
          exactlyOneOf(["host", "backendRef"]),
        ],
      },
    ),
    selector: closed(
      { namespaces: labelSelector, services: labelSelector },
      { "x-kubernetes-validations": [atLeastOneOf(["namespaces", "services"])] },
    ),
  },
  { required: ["name"], "x-kubernetes-validations": [exactlyOneOf(["selector", "static"])] },
);

interface StaticBackend {
  host?: string;
  port?: number;
  unixPath?: string;
}
const agentgatewayBackendSpec = closed(
  {
    mcp: closed(
      {
        targets: listOf(mcpTarget, {
          minItems: 1,
          maxItems: 128,
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
        }),
        sessionRouting: string({ enum: ["Stateful", "Stateless"] }),
        prefixMode: string({ enum: ["Always", "Conditional", "Never"] }),
        failureMode: string({ enum: ["FailClosed", "FailOpen"] }),
      },
      { required: ["targets"] },
    ),
    static: closed(
      { host: string({ minLength: 1, maxLength: 256 }), port, unixPath: string({ minLength: 1 }) },
      {
        "x-kubernetes-validations": [
          cel<StaticBackend>(
            "must specify either unixPath or both host and port",
            // has(self.unixPath) || (has(self.host) && has(self.port))
            (backend) =>
              backend.unixPath !== undefined ||
              (backend.host !== undefined && backend.port !== undefined),
          ),
          cel<StaticBackend>(
            "unixPath and host/port are mutually exclusive",
            // !has(self.unixPath) || (!has(self.host) && !has(self.port))
            (backend) =>
              backend.unixPath === undefined ||
              (backend.host === undefined && backend.port === undefined),
          ),
        ],
      },
    ),
    a2a: closed(
      { host: string({ minLength: 1, maxLength: 256 }), port },
      { required: ["host", "port"] },
    ),
    dynamicForwardProxy: closed({}),
  },
  // Not described: ai, aws, policies (so "AI policies require AI backend" and "MCP policies require MCP
  // backend" are not encoded).
  {
    "x-kubernetes-validations": [
      exactlyOneOf(["ai", "static", "dynamicForwardProxy", "mcp", "aws", "a2a"]),
    ],
  },
);

// ---------------------------------------------------------------------------------------------------------
// HTTPRoute (gateway.networking.k8s.io/v1)

interface ParentReference {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  sectionName?: string;
}
const sameParent = (p1: ParentReference, p2: ParentReference): boolean =>
  p1.group === p2.group &&
  p1.kind === p2.kind &&
  p1.name === p2.name &&
  (p1.namespace ?? "") === (p2.namespace ?? "");
const sectionOf = (parent: ParentReference): string => parent.sectionName ?? "";

const parentRefs = listOf(
  closed(
    {
      group: { ...group, default: "gateway.networking.k8s.io" },
      kind: { ...kind, default: "Gateway" },
      namespace,
      name: objectName,
      sectionName,
      port,
    },
    { required: ["name"] },
  ),
  {
    maxItems: 32,
    "x-kubernetes-list-type": "atomic",
    "x-kubernetes-validations": [
      cel<ParentReference[]>(
        "sectionName must be specified when parentRefs includes 2 or more references to the same parent",
        // self.all(p1, self.all(p2, <same group, kind, name and namespace (unset and '' alike)>
        //   ? ((!has(p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || p2.sectionName == '')) : true))
        (parents) =>
          parents.every((p1) =>
            parents.every((p2) =>
              sameParent(p1, p2) ? (sectionOf(p1) === "") === (sectionOf(p2) === "") : true,
            ),
          ),
      ),
      cel<ParentReference[]>(
        "sectionName must be unique when parentRefs includes 2 or more references to the same parent",
        // self.all(p1, self.exists_one(p2, <same parent> && <both sectionNames unset or '', or both set and equal>))
        (parents) =>
          parents.every(
            (p1) =>
              parents.filter((p2) => sameParent(p1, p2) && sectionOf(p1) === sectionOf(p2))
                .length === 1,
          ),
      ),
    ],
  },
);

interface PathMatch {
  type: string;
  value: string;
}
/** The path rules that apply to Exact and PathPrefix only: "(self.type in ['Exact','PathPrefix']) ? <test> : true". */
const literalPathRule = (message: string, holds: (value: string) => boolean): CelRule =>
  cel<PathMatch>(message, (path) =>
    ["Exact", "PathPrefix"].includes(path.type) ? holds(path.value) : true,
  );
const forbiddenInLiteralPath = (fragment: string): CelRule =>
  // !self.value.contains('<fragment>')
  literalPathRule(
    `must not contain '${fragment}' when type one of ['Exact', 'PathPrefix']`,
    (value) => !value.includes(fragment),
  );
const forbiddenAtLiteralPathEnd = (suffix: string): CelRule =>
  // !self.value.endsWith('<suffix>')
  literalPathRule(
    `must not end with '${suffix}' when type one of ['Exact', 'PathPrefix']`,
    (value) => !value.endsWith(suffix),
  );

const pathMatch = closed(
  {
    type: string({ enum: ["Exact", "PathPrefix", "RegularExpression"], default: "PathPrefix" }),
    value: string({ maxLength: 1024, default: "/" }),
  },
  {
    default: { type: "PathPrefix", value: "/" },
    "x-kubernetes-validations": [
      literalPathRule(
        "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
        // self.value.startsWith('/')
        (value) => value.startsWith("/"),
      ),
      ...["//", "/./", "/../", "%2f", "%2F", "#"].map(forbiddenInLiteralPath),
      ...["/..", "/."].map(forbiddenAtLiteralPathEnd),
      cel<PathMatch>(
        "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
        // self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'
        (path) => ["Exact", "PathPrefix", "RegularExpression"].includes(path.type),
      ),
      literalPathRule(
        "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
        // self.value.matches(r"""^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$""")
        (value) => /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(value),
      ),
    ],
  },
);

const header = closed(
  {
    name: string({ minLength: 1, maxLength: 256, pattern: HEADER_NAME }),
    value: string({ minLength: 1, maxLength: 4096 }),
  },
  { required: ["name", "value"] },
);
const headersByName = listOf(header, {
  maxItems: 16,
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": ["name"],
});
const headerModifier = closed({
  set: headersByName,
  add: headersByName,
  remove: listOf(string(), { maxItems: 16, "x-kubernetes-list-type": "set" }),
});

/** "!('*' in self && self.size() > 1)", on allowOrigins, allowMethods and allowHeaders. */
const wildcardAlone = (message: string): CelRule =>
  cel<string[]>(message, (values) => !(values.includes("*") && values.length > 1));
const corsHeaderNames = listOf(string({ minLength: 1, maxLength: 256, pattern: HEADER_NAME }), {
  maxItems: 64,
  "x-kubernetes-list-type": "set",
});
const cors = closed({
  allowOrigins: listOf(
    string({
      minLength: 1,
      maxLength: 253,
      pattern: String.raw`(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)`,
    }),
    {
      maxItems: 64,
      "x-kubernetes-list-type": "set",
      "x-kubernetes-validations": [
        wildcardAlone("AllowOrigins cannot contain '*' alongside other origins"),
      ],
    },
  ),
  allowCredentials: { type: "boolean" },
  allowMethods: listOf(
    string({
      enum: ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"],
    }),
    {
      maxItems: 9,
      "x-kubernetes-list-type": "set",
      "x-kubernetes-validations": [
        wildcardAlone("AllowMethods cannot contain '*' alongside other methods"),
      ],
    },
  ),
  allowHeaders: {
    ...corsHeaderNames,
    // (sic: the CRD says "methods" here)
    "x-kubernetes-validations": [
      wildcardAlone("AllowHeaders cannot contain '*' alongside other methods"),
    ],
  },
  exposeHeaders: corsHeaderNames,
  maxAge: { type: "integer", format: "int32", minimum: 1, default: 5 },
});

interface PathModifier {
  type: string;
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}
const pathModifier = closed(
  {
    type: string({ enum: ["ReplaceFullPath", "ReplacePrefixMatch"] }),
    replaceFullPath: string({ maxLength: 1024 }),
    replacePrefixMatch: string({ maxLength: 1024 }),
  },
  {
    required: ["type"],
    "x-kubernetes-validations": (["ReplaceFullPath", "ReplacePrefixMatch"] as const).flatMap(
      (type) => {
        const field = type === "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch";
        return [
          // self.type == '<Type>' ? has(self.<field>) : true
          cel<PathModifier>(`${field} must be specified when type is set to '${type}'`, (path) =>
            path.type === type ? path[field] !== undefined : true,
          ),
          // has(self.<field>) ? self.type == '<Type>' : true
          cel<PathModifier>(`type must be '${type}' when ${field} is set`, (path) =>
            path[field] !== undefined ? path.type === type : true,
          ),
        ];
      },
    ),
  },
);
const hostnameRewrite = string({ minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN });

/** HTTPRouteFilter: the body field that goes with each filter type. */
const filterBodyFields = {
  cors: "CORS",
  requestHeaderModifier: "RequestHeaderModifier",
  responseHeaderModifier: "ResponseHeaderModifier",
  requestMirror: "RequestMirror",
  requestRedirect: "RequestRedirect",
  urlRewrite: "URLRewrite",
  extensionRef: "ExtensionRef",
} as const;
interface Filter extends Partial<Record<keyof typeof filterBodyFields, { path?: PathModifier }>> {
  type: string;
}
const httpRouteFilter = closed(
  {
    type: string({ enum: Object.values(filterBodyFields) }),
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    cors,
    urlRewrite: closed({ hostname: hostnameRewrite, path: pathModifier }),
    requestRedirect: closed({
      scheme: string({ enum: ["http", "https"] }),
      hostname: hostnameRewrite,
      path: pathModifier,
      port,
      statusCode: { type: "integer", enum: [301, 302, 303, 307, 308], default: 302 },
    }),
    // requestMirror and extensionRef bodies are not described.
  },
  {
    required: ["type"],
    "x-kubernetes-validations": Object.entries(filterBodyFields).flatMap(([field, type]) => [
      // !(has(self.<field>) && self.type != '<Type>')
      cel<Fields>(
        `filter.${field} must be nil if the filter.type is not ${type}`,
        (filter) => !(has(filter, field) && filter["type"] !== type),
      ),
      // !(!has(self.<field>) && self.type == '<Type>')
      cel<Fields>(
        `filter.${field} must be specified for ${type} filter.type`,
        (filter) => !(!has(filter, field) && filter["type"] === type),
      ),
    ]),
  },
);
const filters = listOf(httpRouteFilter, {
  maxItems: 16,
  "x-kubernetes-list-type": "atomic",
  "x-kubernetes-validations": [
    cel<Filter[]>(
      "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
      // !(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))
      (list) =>
        !(
          list.some((f) => f.type === "RequestRedirect") &&
          list.some((f) => f.type === "URLRewrite")
        ),
    ),
    // self.filter(f, f.type == '<Type>').size() <= 1
    ...[
      "CORS",
      "RequestHeaderModifier",
      "ResponseHeaderModifier",
      "RequestRedirect",
      "URLRewrite",
    ].map((type) =>
      cel<Filter[]>(
        `${type} filter cannot be repeated`,
        (list) => list.filter((f) => f.type === type).length <= 1,
      ),
    ),
  ],
});

interface RouteRule {
  matches: { path?: PathMatch }[];
  filters?: Filter[];
  backendRefs?: unknown[];
}
/** The rule-level replacePrefixMatch rules, for requestRedirect and urlRewrite. */
const replacePrefixNeedsOnePrefixMatch = (
  body: "requestRedirect" | "urlRewrite",
  filterName: string,
): CelRule =>
  cel<RouteRule>(
    `When using ${filterName} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified`,
    // (has(self.filters) && self.filters.exists_one(f, has(f.<body>) && has(f.<body>.path)
    //   && f.<body>.path.type == 'ReplacePrefixMatch' && has(f.<body>.path.replacePrefixMatch)))
    //   ? ((size(self.matches) != 1 || !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true
    (rule) => {
      const replacing = (rule.filters ?? []).filter(
        (f) =>
          f[body]?.path?.type === "ReplacePrefixMatch" &&
          f[body]?.path?.replacePrefixMatch !== undefined,
      );
      if (replacing.length !== 1) return true;
      return rule.matches.length === 1 && rule.matches[0]?.path?.type === "PathPrefix";
    },
  );

const httpBackendRef = closed(
  {
    ...backendObjectReferenceProperties,
    weight: { type: "integer", format: "int32", minimum: 0, maximum: 1000000, default: 1 },
    // backendRefs[].filters is not described, so the "Within backendRefs, ..." rules are not encoded.
  },
  { required: ["name"], "x-kubernetes-validations": [mustHavePortForService] },
);

const httpRouteRule = closed(
  {
    name: sectionName,
    matches: listOf(closed({ path: pathMatch }), {
      maxItems: 64,
      "x-kubernetes-list-type": "atomic",
      default: [{ path: { type: "PathPrefix", value: "/" } }],
    }),
    filters,
    backendRefs: listOf(httpBackendRef, { maxItems: 16, "x-kubernetes-list-type": "atomic" }),
  },
  {
    "x-kubernetes-validations": [
      cel<RouteRule>(
        "RequestRedirect filter must not be used together with backendRefs",
        // (has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || self.filters.all(f, !has(f.requestRedirect))): true
        (rule) =>
          (rule.backendRefs?.length ?? 0) > 0
            ? (rule.filters ?? []).every((f) => f.requestRedirect === undefined)
            : true,
      ),
      replacePrefixNeedsOnePrefixMatch("requestRedirect", "RequestRedirect"),
      replacePrefixNeedsOnePrefixMatch("urlRewrite", "URLRewrite"),
    ],
  },
);

const httpRouteSpec = closed({
  parentRefs,
  hostnames: listOf(string({ minLength: 1, maxLength: 253, pattern: HOSTNAME }), {
    maxItems: 16,
    "x-kubernetes-list-type": "atomic",
  }),
  rules: listOf(httpRouteRule, {
    minItems: 1,
    maxItems: 16,
    "x-kubernetes-list-type": "atomic",
    default: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }] }],
    "x-kubernetes-validations": [
      cel<RouteRule[]>(
        "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
        // (self.size() > 0 ? self[0].matches.size() : 0) + ... + (self.size() > 15 ? self[15].matches.size() : 0) <= 128
        (rules) => rules.reduce((total, rule) => total + rule.matches.length, 0) <= 128,
      ),
    ],
  }),
});

// ---------------------------------------------------------------------------------------------------------
// Gateway (gateway.networking.k8s.io/v1)

interface Listener {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  tls?: { mode: string };
}
const listener = closed(
  {
    name: sectionName,
    hostname: string({ minLength: 1, maxLength: 253, pattern: HOSTNAME }),
    port,
    protocol: string({
      minLength: 1,
      maxLength: 255,
      pattern: String.raw`^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$`,
    }),
    tls: closed(
      {
        mode: string({ enum: ["Terminate", "Passthrough"], default: "Terminate" }),
        certificateRefs: listOf(
          closed(
            {
              group: { ...group, default: "" },
              kind: { ...kind, default: "Secret" },
              name: objectName,
              namespace,
            },
            { required: ["name"] },
          ),
          { maxItems: 64, "x-kubernetes-list-type": "atomic" },
        ),
        options: {
          type: "object",
          additionalProperties: string({ minLength: 0, maxLength: 4096 }),
          maxProperties: 16,
        },
      },
      {
        "x-kubernetes-validations": [
          cel<{ mode: string; certificateRefs?: unknown[]; options?: Fields }>(
            "certificateRefs or options must be specified when mode is Terminate",
            // self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true
            // (size() of an absent field is a CEL error in the API server; both end in a refusal.)
            (tls) =>
              tls.mode === "Terminate"
                ? (tls.certificateRefs?.length ?? 0) > 0 ||
                  Object.keys(tls.options ?? {}).length > 0
                : true,
          ),
        ],
      },
    ),
    allowedRoutes: closed(
      {
        namespaces: closed(
          {
            from: string({ enum: ["All", "Selector", "Same"], default: "Same" }),
            selector: labelSelector,
          },
          { default: { from: "Same" } },
        ),
        kinds: listOf(
          closed(
            { group: { ...group, default: "gateway.networking.k8s.io" }, kind },
            { required: ["kind"] },
          ),
          { maxItems: 8, "x-kubernetes-list-type": "atomic" },
        ),
      },
      { default: { namespaces: { from: "Same" } } },
    ),
  },
  { required: ["name", "port", "protocol"] },
);

const sameHostname = (l1: Listener, l2: Listener): boolean =>
  l1.hostname !== undefined && l2.hostname !== undefined
    ? l1.hostname === l2.hostname
    : l1.hostname === undefined && l2.hostname === undefined;

const gatewaySpec = closed(
  {
    gatewayClassName: string({ minLength: 1, maxLength: 253 }),
    listeners: listOf(listener, {
      minItems: 1,
      maxItems: 64,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      "x-kubernetes-validations": [
        cel<Listener[]>(
          "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
          // self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)
          (listeners) =>
            listeners.every((l) =>
              ["HTTP", "TCP", "UDP"].includes(l.protocol) ? l.tls === undefined : true,
            ),
        ),
        cel<Listener[]>(
          "tls mode must be Terminate for protocol HTTPS",
          // self.all(l, (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode == 'Terminate') : true)
          (listeners) =>
            listeners.every((l) =>
              l.protocol === "HTTPS" && l.tls !== undefined
                ? l.tls.mode === "" || l.tls.mode === "Terminate"
                : true,
            ),
        ),
        cel<Listener[]>(
          "tls mode must be set for protocol TLS",
          // self.all(l, (l.protocol == 'TLS' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true))
          (listeners) =>
            listeners.every((l) =>
              l.protocol === "TLS" ? l.tls !== undefined && l.tls.mode !== "" : true,
            ),
        ),
        cel<Listener[]>(
          "hostname must not be specified for protocols ['TCP', 'UDP']",
          // self.all(l, l.protocol in ['TCP', 'UDP']  ? (!has(l.hostname) || l.hostname == '') : true)
          (listeners) =>
            listeners.every((l) =>
              ["TCP", "UDP"].includes(l.protocol) ? (l.hostname ?? "") === "" : true,
            ),
        ),
        cel<Listener[]>(
          "Listener name must be unique within the Gateway",
          // self.all(l1, self.exists_one(l2, l1.name == l2.name))
          (listeners) =>
            listeners.every((l1) => listeners.filter((l2) => l1.name === l2.name).length === 1),
        ),
        cel<Listener[]>(
          "Combination of port, protocol and hostname must be unique for each listener",
          // self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol
          //   && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) && !has(l2.hostname))))
          (listeners) =>
            listeners.every(
              (l1) =>
                listeners.filter(
                  (l2) =>
                    l1.port === l2.port && l1.protocol === l2.protocol && sameHostname(l1, l2),
                ).length === 1,
            ),
        ),
      ],
    }),
    // Not described: addresses, infrastructure, allowedListeners, tls (and so the address uniqueness rules).
  },
  { required: ["gatewayClassName", "listeners"] },
);

// ---------------------------------------------------------------------------------------------------------

/** The whole object as `kubectl apply` sends it: the CRDs all require spec; status is the controller's. */
const resource = (spec: StructuralSchema): StructuralSchema =>
  closed(
    { apiVersion: string(), kind: string(), metadata: objectMeta, spec },
    { required: ["apiVersion", "kind", "metadata", "spec"] },
  );

/** Schemas by apiVersion, then kind. */
export const resourceSchemas: Record<string, Record<string, StructuralSchema>> = {
  "agentgateway.dev/v1alpha1": {
    AgentgatewayPolicy: resource(agentgatewayPolicySpec),
    AgentgatewayBackend: resource(agentgatewayBackendSpec),
  },
  "gateway.networking.k8s.io/v1": {
    HTTPRoute: resource(httpRouteSpec),
    Gateway: resource(gatewaySpec),
  },
};
