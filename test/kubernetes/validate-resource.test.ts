import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateResource, validateResources } from "./validate-resource";

// The examples from agentgateway's MCP docs (website repo, assets/agw-docs/pages/agentgateway/mcp/):
// mcp-access.md, tool-access.md and https.md, with the reuse snippets filled in and the JWKS shortened.
const jwtPolicy = parse(`
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: jwt
  namespace: agentgateway-system
spec:
  targetRefs:
    - group: gateway.networking.k8s.io
      kind: Gateway
      name: agentgateway-proxy
  traffic:
    jwtAuthentication:
      mode: Strict
      providers:
        - issuer: solo.io
          jwks:
            inline: '{"keys":[{"use":"sig","kty":"RSA","kid":"5891645032159894383","n":"5Zb1l_vtAp7DhKPN","e":"AQAB"}]}'
    authorization:
      action: Allow
      policy:
        matchExpressions:
          - 'jwt.sub == "alice"'
`) as unknown;

const toolPolicy = parse(`
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: jwt-rbac
  namespace: agentgateway-system
spec:
  targetRefs:
    - group: agentgateway.dev
      kind: AgentgatewayBackend
      name: github-mcp-backend
  backend:
    mcp:
      authorization:
        action: Allow
        policy:
          matchExpressions:
            - 'jwt.sub == "alice" && mcp.tool.name == "get_me"'
`) as unknown;

const githubBackend = parse(`
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: github-mcp-backend
  namespace: agentgateway-system
spec:
  mcp:
    targets:
    - name: mcp-target
      static:
        host: api.githubcopilot.com
        port: 443
        path: /mcp/
        policies:
          tls:
            sni: api.githubcopilot.com
`) as unknown;

const githubRoute = parse(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: mcp-github
  namespace: agentgateway-system
spec:
  parentRefs:
  - name: agentgateway-proxy
    namespace: agentgateway-system
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /mcp-github
      filters:
        - type: CORS
          cors:
            allowHeaders:
              - "*"
            allowMethods:
              - "*"
            allowOrigins:
              - "http://localhost:8080"
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set:
              - name: Authorization
                value: "Bearer \${GH_PAT}"
      backendRefs:
      - name: github-mcp-backend
        group: agentgateway.dev
        kind: AgentgatewayBackend
`) as unknown;

// The Gateway the docs' setup creates.
const proxyGateway = parse(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: agentgateway-proxy
  namespace: agentgateway-system
spec:
  gatewayClassName: agentgateway
  listeners:
  - protocol: HTTP
    port: 80
    name: http
    allowedRoutes:
      namespaces:
        from: All
`) as unknown;

/**
 * A copy of `base` with each change applied: keys are dotted paths (numbers index lists), and `undefined`
 * removes the field.
 */
function withChanges(base: unknown, changes: Record<string, unknown>): unknown {
  const copy = structuredClone(base);
  for (const [path, value] of Object.entries(changes)) {
    const segments = path.split(".");
    const parent = segments.slice(0, -1).reduce(
      (node: Record<string, unknown>, segment) => {
        node[segment] ??= {};
        return node[segment] as Record<string, unknown>;
      },
      copy as Record<string, unknown>,
    );
    Reflect.deleteProperty(parent, segments.at(-1) ?? "");
    if (value !== undefined) Reflect.set(parent, segments.at(-1) ?? "", value);
  }
  return copy;
}

const RFC1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const serviceTarget = { group: "", kind: "Service", name: "github" };
const httpRouteTarget = {
  group: "gateway.networking.k8s.io",
  kind: "HTTPRoute",
  name: "mcp-github",
};
const backendTarget = {
  group: "agentgateway.dev",
  kind: "AgentgatewayBackend",
  name: "github-mcp-backend",
};
const jwtProvider = "spec.traffic.jwtAuthentication.providers.0";

describe("validateResource accepts agentgateway's documented MCP resources", () => {
  it.each([
    ["the JWT + authorization policy on the Gateway (mcp-access.md)", jwtPolicy],
    ["the tool-access policy on the AgentgatewayBackend (tool-access.md)", toolPolicy],
    ["the GitHub AgentgatewayBackend with a TLS static target (https.md)", githubBackend],
    ["the HTTPRoute with CORS and RequestHeaderModifier filters (https.md)", githubRoute],
    ["the agentgateway-proxy Gateway", proxyGateway],
  ])("%s", (_name, resource) => {
    expect(validateResource(resource)).toEqual([]);
  });

  it("accepts them as a list, and leaves them as they were (defaulting works on a copy)", () => {
    const resources = [jwtPolicy, toolPolicy, githubBackend, githubRoute, proxyGateway];
    const before = structuredClone(resources);
    expect(validateResources(resources)).toEqual([]);
    expect(resources).toEqual(before);
  });

  it("applies the CRD defaults before the rules: an HTTPRoute without rules gets the default '/' match", () => {
    expect(validateResource(withChanges(githubRoute, { "spec.rules": undefined }))).toEqual([]);
  });
});

describe("validateResource refuses what the API server refuses, with its message", () => {
  const cases: [string, unknown, string | string[]][] = [
    // Any resource
    [
      "a name that is not a DNS-1123 subdomain",
      withChanges(githubRoute, { "metadata.name": "My_Route" }),
      `HTTPRoute/My_Route: metadata.name: Invalid value: "My_Route": ${RFC1123_SUBDOMAIN}`,
    ],
    [
      "a name longer than 253",
      withChanges(githubRoute, { "metadata.name": "a".repeat(254) }),
      `HTTPRoute/${"a".repeat(117)}...: metadata.name: Invalid value: "${"a".repeat(116)}...: must be no more than 253 characters`,
    ],
    [
      "a namespace that is not a DNS-1123 label",
      withChanges(githubRoute, { "metadata.namespace": "agw.system" }),
      "HTTPRoute/mcp-github: metadata.namespace: Invalid value: \"agw.system\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ],
    [
      "no name",
      withChanges(githubRoute, { "metadata.name": undefined }),
      "HTTPRoute/<no name>: metadata.name: Required value",
    ],
    [
      "an unknown metadata field",
      withChanges(githubRoute, { "metadata.uid": "x" }),
      'HTTPRoute/mcp-github: metadata.uid: unknown field "uid"',
    ],
    [
      "an unknown apiVersion",
      withChanges(githubRoute, { apiVersion: "gateway.networking.k8s.io/v1beta2" }),
      'HTTPRoute/mcp-github: apiVersion: Unsupported value: "gateway.networking.k8s.io/v1beta2": supported values: "agentgateway.dev/v1alpha1", "gateway.networking.k8s.io/v1"',
    ],
    [
      "an unknown kind",
      withChanges(githubRoute, { kind: "GRPCRoute" }),
      'GRPCRoute/mcp-github: kind: Unsupported value: "GRPCRoute": supported values for gateway.networking.k8s.io/v1: "HTTPRoute", "Gateway"',
    ],
    [
      "no spec",
      withChanges(githubRoute, { spec: undefined }),
      "HTTPRoute/mcp-github: spec: Required value",
    ],
    [
      "a wrong type, after which the CEL rules are not run",
      withChanges(githubBackend, { "spec.mcp.targets.0.static.port": "443" }),
      [
        'AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.port: Invalid value: "443": must be integer',
        "AgentgatewayBackend/github-mcp-backend: <root>: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    ],

    // AgentgatewayPolicy: structure
    [
      "a lowercase JWT mode",
      withChanges(jwtPolicy, { "spec.traffic.jwtAuthentication.mode": "strict" }),
      'AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.mode: Unsupported value: "strict": supported values: "Optional", "Permissive", "Strict"',
    ],
    [
      "empty matchExpressions",
      withChanges(jwtPolicy, { "spec.traffic.authorization.policy.matchExpressions": [] }),
      "AgentgatewayPolicy/jwt: spec.traffic.authorization.policy.matchExpressions: Invalid value: []: must NOT have fewer than 1 items",
    ],
    [
      "an empty match expression",
      withChanges(toolPolicy, { "spec.backend.mcp.authorization.policy.matchExpressions": [""] }),
      'AgentgatewayPolicy/jwt-rbac: spec.backend.mcp.authorization.policy.matchExpressions[0]: Invalid value: "": must NOT have fewer than 1 characters',
    ],
    [
      "a lowercase authorization action",
      withChanges(toolPolicy, { "spec.backend.mcp.authorization.action": "allow" }),
      'AgentgatewayPolicy/jwt-rbac: spec.backend.mcp.authorization.action: Unsupported value: "allow": supported values: "Allow", "Deny", "Require"',
    ],
    [
      "an unknown field under traffic",
      withChanges(jwtPolicy, { "spec.traffic.rbac": {} }),
      'AgentgatewayPolicy/jwt: spec.traffic.rbac: unknown field "rbac"',
    ],
    [
      "an unknown phase",
      withChanges(jwtPolicy, { "spec.traffic.phase": "Early" }),
      'AgentgatewayPolicy/jwt: spec.traffic.phase: Unsupported value: "Early": supported values: "PostRouting", "PreRouting"',
    ],
    [
      "a JWKS URL that is not http(s)",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks`]: { remote: { url: "ftp://idp.example/jwks" } },
      }),
      `AgentgatewayPolicy/jwt: ${"spec.traffic.jwtAuthentication.providers[0]"}.jwks.remote.url: Invalid value: "ftp://idp.example/jwks": must match pattern "^https?://[^/?#@]+(/[^?#]*)?$"`,
    ],

    // AgentgatewayPolicy: CEL rules of the spec
    [
      "neither targetRefs nor targetSelectors",
      withChanges(jwtPolicy, { "spec.targetRefs": undefined }),
      "AgentgatewayPolicy/jwt: spec: exactly one of the fields in [targetRefs targetSelectors] must be set",
    ],
    [
      "both targetRefs and targetSelectors",
      withChanges(jwtPolicy, {
        "spec.targetSelectors": [
          { group: "gateway.networking.k8s.io", kind: "Gateway", matchLabels: { app: "x" } },
        ],
      }),
      "AgentgatewayPolicy/jwt: spec: exactly one of the fields in [targetRefs targetSelectors] must be set",
    ],
    [
      "no traffic, frontend or backend",
      withChanges(jwtPolicy, { "spec.traffic": undefined }),
      "AgentgatewayPolicy/jwt: spec: At least one of traffic, frontend, or backend must be provided.",
    ],
    [
      "a traffic policy targeting an AgentgatewayBackend",
      withChanges(jwtPolicy, { "spec.targetRefs": [backendTarget] }),
      "AgentgatewayPolicy/jwt: spec: the 'traffic' field can only target a Gateway, ListenerSet, GRPCRoute, HTTPRoute, or InferencePool",
    ],
    [
      "a PreRouting policy targeting an HTTPRoute",
      withChanges(jwtPolicy, {
        "spec.traffic.phase": "PreRouting",
        "spec.targetRefs": [httpRouteTarget],
      }),
      "AgentgatewayPolicy/jwt: spec: the 'traffic.phase=PreRouting' field can only target a Gateway or ListenerSet",
    ],
    [
      "a PreRouting policy on selected HTTPRoutes",
      withChanges(jwtPolicy, {
        "spec.traffic.phase": "PreRouting",
        "spec.targetRefs": undefined,
        "spec.targetSelectors": [
          { group: "gateway.networking.k8s.io", kind: "HTTPRoute", matchLabels: { app: "mcp" } },
        ],
      }),
      "AgentgatewayPolicy/jwt: spec: the 'traffic.phase=PreRouting' field can only target a Gateway or ListenerSet",
    ],
    [
      "a port on a traffic policy's target",
      withChanges(jwtPolicy, { "spec.targetRefs.0.port": 8080 }),
      "AgentgatewayPolicy/jwt: spec: port may only be set on frontend-only policies (not traffic or backend)",
    ],
    [
      "backend.mcp on a Service",
      withChanges(toolPolicy, { "spec.targetRefs": [serviceTarget] }),
      "AgentgatewayPolicy/jwt-rbac: spec: backend.mcp may not be used with a Service target",
    ],
    [
      "a Service target whose sectionName is not a port",
      withChanges(toolPolicy, { "spec.targetRefs": [{ ...serviceTarget, sectionName: "http" }] }),
      [
        "AgentgatewayPolicy/jwt-rbac: spec: backend.mcp may not be used with a Service target",
        "AgentgatewayPolicy/jwt-rbac: spec: Service sectionName must be a numeric port from 1 to 65535",
      ],
    ],
    [
      "backend.mcp on an AgentgatewayBackend sectionName",
      withChanges(toolPolicy, { "spec.targetRefs.0.sectionName": "mcp-target" }),
      "AgentgatewayPolicy/jwt-rbac: spec: backend.mcp may not target an AgentgatewayBackend sectionName",
    ],
    [
      "traffic.jwtAuthentication alongside backend.mcp.authentication",
      withChanges(jwtPolicy, {
        "spec.backend": { mcp: { authentication: { jwks: { url: "https://idp.example/jwks" } } } },
      }),
      "AgentgatewayPolicy/jwt: spec: traffic.jwtAuthentication may not be used with backend.mcp.authentication in the same policy",
    ],

    // AgentgatewayPolicy: CEL rules of nested types
    [
      "targets of a kind the policy cannot target",
      withChanges(jwtPolicy, { "spec.targetRefs.0.group": "example.com" }),
      "AgentgatewayPolicy/jwt: spec.targetRefs: targetRefs may only reference Gateway, HTTPRoute, GRPCRoute, ListenerSet, Service, AgentgatewayBackend, or InferencePool resources",
    ],
    [
      "targets of two kinds",
      withChanges(jwtPolicy, { "spec.targetRefs.1": httpRouteTarget }),
      "AgentgatewayPolicy/jwt: spec.targetRefs: Only one Kind of targetRef can be set on one policy",
    ],
    [
      "a target with both sectionName and port",
      withChanges(jwtPolicy, {
        "spec.targetRefs.0.sectionName": "http",
        "spec.targetRefs.0.port": 80,
      }),
      [
        "AgentgatewayPolicy/jwt: spec: port may only be set on frontend-only policies (not traffic or backend)",
        "AgentgatewayPolicy/jwt: spec.targetRefs[0]: at most one of the fields in [sectionName port] may be set",
      ],
    ],
    [
      "an empty backend",
      withChanges(toolPolicy, { "spec.backend": {} }),
      "AgentgatewayPolicy/jwt-rbac: spec.backend: at least one of the fields in [ai auth extAuth health http mcp tcp tls transformation tunnel] must be set",
    ],
    [
      "an empty backend.mcp",
      withChanges(toolPolicy, { "spec.backend.mcp": {} }),
      "AgentgatewayPolicy/jwt-rbac: spec.backend.mcp: at least one of the fields in [authentication authorization guardrails] must be set",
    ],
    [
      "a JWKS both inline and remote",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks.remote`]: { url: "https://idp.example/jwks" },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks: exactly one of the fields in [remote inline] must be set",
    ],
    [
      "a JWKS neither inline nor remote",
      withChanges(jwtPolicy, { [`${jwtProvider}.jwks`]: {} }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks: exactly one of the fields in [remote inline] must be set",
    ],
    [
      "a remote JWKS with neither url nor backendRef",
      withChanges(jwtPolicy, { [`${jwtProvider}.jwks`]: { remote: { jwksPath: "/jwks" } } }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks.remote: exactly one of the fields in [backendRef url] must be set",
    ],
    [
      "a JWKS url with a jwksPath",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks`]: { remote: { url: "https://idp.example", jwksPath: "/jwks" } },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks.remote: jwksPath may not be set when url is set",
    ],
    [
      "a JWKS backendRef without a jwksPath",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks`]: { remote: { backendRef: { name: "idp", port: 443 } } },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks.remote: jwksPath is required when backendRef is set",
    ],
    [
      "a JWKS Service backendRef without a port",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks`]: { remote: { backendRef: { name: "idp" }, jwksPath: "/jwks" } },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks.remote.backendRef: Must have port for Service reference",
    ],
    [
      "a JWKS cached for less than 5m",
      withChanges(jwtPolicy, {
        [`${jwtProvider}.jwks`]: {
          remote: { url: "https://idp.example/jwks", cacheDuration: "4m59s" },
        },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers[0].jwks.remote.cacheDuration: cacheDuration must be at least 5m.",
    ],
    [
      "jwtAuthentication.mcp with two providers",
      withChanges(jwtPolicy, {
        "spec.traffic.jwtAuthentication.mcp": { provider: "Keycloak" },
        "spec.traffic.jwtAuthentication.providers.1": { issuer: "other", jwks: { inline: "{}" } },
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication: jwtAuthentication.mcp requires exactly one provider",
    ],
    [
      "jwtAuthentication.mcp in Optional mode",
      withChanges(jwtPolicy, {
        "spec.traffic.jwtAuthentication.mcp": {},
        "spec.traffic.jwtAuthentication.mode": "Optional",
      }),
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication: jwtAuthentication.mcp requires mode Strict",
    ],

    // AgentgatewayBackend
    [
      "a backend with both mcp and static",
      withChanges(githubBackend, { "spec.static": { host: "api.githubcopilot.com", port: 443 } }),
      "AgentgatewayBackend/github-mcp-backend: spec: exactly one of the fields in [ai static dynamicForwardProxy mcp aws a2a] must be set",
    ],
    [
      "port 0",
      withChanges(githubBackend, { "spec.mcp.targets.0.static.port": 0 }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.port: Invalid value: 0: must be >= 1",
    ],
    [
      "port 65536",
      withChanges(githubBackend, { "spec.mcp.targets.0.static.port": 65536 }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.port: Invalid value: 65536: must be <= 65535",
    ],
    [
      "an unknown MCP protocol",
      withChanges(githubBackend, { "spec.mcp.targets.0.static.protocol": "HTTP" }),
      'AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.protocol: Unsupported value: "HTTP": supported values: "SSE", "StreamableHTTP"',
    ],
    [
      "a target name that is not a DNS-1123 subdomain",
      withChanges(githubBackend, { "spec.mcp.targets.0.name": "MCP" }),
      `AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].name: Invalid value: "MCP": must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"`,
    ],
    [
      "two targets with one name",
      withChanges(githubBackend, {
        "spec.mcp.targets.1": { name: "mcp-target", static: { host: "example.com", port: 80 } },
      }),
      'AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[1]: Duplicate value: {"name":"mcp-target"}',
    ],
    [
      "a target with both static and selector",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.selector": { services: { matchLabels: { app: "mcp" } } },
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0]: exactly one of the fields in [selector static] must be set",
    ],
    [
      "an empty target selector",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static": undefined,
        "spec.mcp.targets.0.selector": {},
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].selector: at least one of the fields in [namespaces services] must be set",
    ],
    [
      "a static target with host and backendRef",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static.backendRef": { name: "github" },
        "spec.mcp.targets.0.static.policies": undefined,
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static: exactly one of the fields in [host backendRef] must be set",
    ],
    [
      "target policies with a backendRef",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static.host": undefined,
        "spec.mcp.targets.0.static.backendRef": { name: "github" },
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static: mcp target policies may not be used with backendRef",
    ],
    [
      "an SNI that is not a DNS name",
      withChanges(githubBackend, { "spec.mcp.targets.0.static.policies.tls.sni": "API.example" }),
      `AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.policies.tls.sni: Invalid value: "API.example": must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"`,
    ],
    [
      "insecureSkipVerify All with a CA",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static.policies.tls.insecureSkipVerify": "All",
        "spec.mcp.targets.0.static.policies.tls.caCertificateRefs": [{ name: "ca" }],
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.policies.tls: insecureSkipVerify All and caCertificateRefs may not be set together",
    ],
    [
      "insecureSkipVerify with verifySubjectAltNames",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static.policies.tls.insecureSkipVerify": "Hostname",
        "spec.mcp.targets.0.static.policies.tls.verifySubjectAltNames": ["github.com"],
      }),
      [
        "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.policies.tls: insecureSkipVerify and verifySubjectAltNames may not be set together",
        "AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.policies.tls: at most one of the fields in [verifySubjectAltNames insecureSkipVerify] may be set",
      ],
    ],
    [
      "a target policy this file does not describe",
      withChanges(githubBackend, {
        "spec.mcp.targets.0.static.policies.auth": { passthrough: {} },
      }),
      'AgentgatewayBackend/github-mcp-backend: spec.mcp.targets[0].static.policies.auth: unknown field "auth"',
    ],
    [
      "a static backend with a unixPath and a host",
      withChanges(githubBackend, {
        "spec.mcp": undefined,
        "spec.static": { unixPath: "/run/mcp.sock", host: "x" },
      }),
      "AgentgatewayBackend/github-mcp-backend: spec.static: unixPath and host/port are mutually exclusive",
    ],
    [
      "a static backend without a port",
      withChanges(githubBackend, { "spec.mcp": undefined, "spec.static": { host: "x" } }),
      "AgentgatewayBackend/github-mcp-backend: spec.static: must specify either unixPath or both host and port",
    ],

    // HTTPRoute
    [
      "an unknown path match type",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.type": "Prefix" }),
      [
        'HTTPRoute/mcp-github: spec.rules[0].matches[0].path.type: Unsupported value: "Prefix": supported values: "Exact", "PathPrefix", "RegularExpression"',
        "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
      ],
    ],
    [
      "a relative path",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.value": "mcp-github" }),
      "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "a path with '//'",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.value": "/mcp//github" }),
      "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: must not contain '//' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "a path with '%2F'",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.value": "/mcp%2Fgithub" }),
      "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: must not contain '%2F' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "a path ending in '/..'",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.value": "/mcp/.." }),
      "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: must not end with '/..' when type one of ['Exact', 'PathPrefix']",
    ],
    [
      "a path with a space",
      withChanges(githubRoute, { "spec.rules.0.matches.0.path.value": "/mcp github" }),
      "HTTPRoute/mcp-github: spec.rules[0].matches[0].path: must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    ],
    [
      "an uppercase hostname",
      withChanges(githubRoute, { "spec.hostnames": ["MCP.example.com"] }),
      `HTTPRoute/mcp-github: spec.hostnames[0]: Invalid value: "MCP.example.com": must match pattern "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"`,
    ],
    [
      "a CORS filter without its body",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors": undefined }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[0]: filter.cors must be specified for CORS filter.type",
    ],
    [
      "a body that does not match the filter type",
      withChanges(githubRoute, { "spec.rules.0.filters.1.type": "ResponseHeaderModifier" }),
      [
        "HTTPRoute/mcp-github: spec.rules[0].filters[1]: filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier",
        "HTTPRoute/mcp-github: spec.rules[0].filters[1]: filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type",
      ],
    ],
    [
      "two CORS filters",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1": { type: "CORS", cors: { allowOrigins: ["*"] } },
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters: CORS filter cannot be repeated",
    ],
    [
      "two RequestHeaderModifier filters",
      withChanges(githubRoute, {
        "spec.rules.0.filters.0": {
          type: "RequestHeaderModifier",
          requestHeaderModifier: { remove: ["cookie"] },
        },
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters: RequestHeaderModifier filter cannot be repeated",
    ],
    [
      "a redirect and a rewrite together",
      withChanges(githubRoute, {
        "spec.rules.0.backendRefs": undefined,
        "spec.rules.0.filters.0": { type: "RequestRedirect", requestRedirect: { scheme: "https" } },
        "spec.rules.0.filters.1": { type: "URLRewrite", urlRewrite: { hostname: "example.com" } },
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
    ],
    [
      "a redirect with backendRefs",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1": { type: "RequestRedirect", requestRedirect: { statusCode: 301 } },
      }),
      "HTTPRoute/mcp-github: spec.rules[0]: RequestRedirect filter must not be used together with backendRefs",
    ],
    [
      "a rewrite to a prefix without its value",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1": {
          type: "URLRewrite",
          urlRewrite: { path: { type: "ReplacePrefixMatch" } },
        },
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[1].urlRewrite.path: replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
    ],
    [
      "a full-path value on a prefix rewrite",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1": {
          type: "URLRewrite",
          urlRewrite: {
            path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/", replaceFullPath: "/mcp" },
          },
        },
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[1].urlRewrite.path: type must be 'ReplaceFullPath' when replaceFullPath is set",
    ],
    [
      "a prefix rewrite on an Exact match",
      withChanges(githubRoute, {
        "spec.rules.0.matches.0.path.type": "Exact",
        "spec.rules.0.filters.1": {
          type: "URLRewrite",
          urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/mcp" } },
        },
      }),
      "HTTPRoute/mcp-github: spec.rules[0]: When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
    ],
    [
      "'*' alongside other origins",
      withChanges(githubRoute, {
        "spec.rules.0.filters.0.cors.allowOrigins": ["*", "http://localhost:8080"],
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.allowOrigins: AllowOrigins cannot contain '*' alongside other origins",
    ],
    [
      "'*' alongside other methods",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors.allowMethods": ["*", "POST"] }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.allowMethods: AllowMethods cannot contain '*' alongside other methods",
    ],
    [
      "'*' alongside other headers",
      withChanges(githubRoute, {
        "spec.rules.0.filters.0.cors.allowHeaders": ["*", "mcp-session-id"],
      }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.allowHeaders: AllowHeaders cannot contain '*' alongside other methods",
    ],
    [
      "an origin without a scheme",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors.allowOrigins": ["localhost:8080"] }),
      'HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.allowOrigins[0]: Invalid value: "localhost:8080": must match pattern "(^\\*$)|(^(http(s)?):\\/\\/(((\\*\\.)?([a-zA-Z0-9\\-]+\\.)*[a-zA-Z0-9-]+|\\*)(:([0-9]{1,5}))?)$)"',
    ],
    [
      "a CORS maxAge as a duration",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors.maxAge": "5m" }),
      [
        'HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.maxAge: Invalid value: "5m": must be integer',
        "HTTPRoute/mcp-github: <root>: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    ],
    [
      "a CORS maxAge of 0",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors.maxAge": 0 }),
      "HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.maxAge: Invalid value: 0: must be >= 1",
    ],
    [
      "a repeated allowed method",
      withChanges(githubRoute, { "spec.rules.0.filters.0.cors.allowMethods": ["GET", "GET"] }),
      'HTTPRoute/mcp-github: spec.rules[0].filters[0].cors.allowMethods[1]: Duplicate value: "GET"',
    ],
    [
      "a header set twice",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1.requestHeaderModifier.set.1": { name: "Authorization", value: "x" },
      }),
      'HTTPRoute/mcp-github: spec.rules[0].filters[1].requestHeaderModifier.set[1]: Duplicate value: {"name":"Authorization"}',
    ],
    [
      "a header given as a map",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1.requestHeaderModifier.set": { Authorization: "x" },
      }),
      [
        'HTTPRoute/mcp-github: spec.rules[0].filters[1].requestHeaderModifier.set: Invalid value: {"Authorization":"x"}: must be array',
        "HTTPRoute/mcp-github: <root>: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    ],
    [
      "a header name with a space",
      withChanges(githubRoute, {
        "spec.rules.0.filters.1.requestHeaderModifier.set.0.name": "X Token",
      }),
      `HTTPRoute/mcp-github: spec.rules[0].filters[1].requestHeaderModifier.set[0].name: Invalid value: "X Token": must match pattern "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"`,
    ],
    [
      "a Service backendRef without a port",
      withChanges(githubRoute, { "spec.rules.0.backendRefs.0": { name: "github" } }),
      "HTTPRoute/mcp-github: spec.rules[0].backendRefs[0]: Must have port for Service reference",
    ],
    [
      "a negative weight",
      withChanges(githubRoute, { "spec.rules.0.backendRefs.0.weight": -1 }),
      "HTTPRoute/mcp-github: spec.rules[0].backendRefs[0].weight: Invalid value: -1: must be >= 0",
    ],
    [
      "no rules",
      withChanges(githubRoute, { "spec.rules": [] }),
      "HTTPRoute/mcp-github: spec.rules: Invalid value: []: must NOT have fewer than 1 items",
    ],
    [
      "the same parent twice without sectionNames",
      withChanges(githubRoute, {
        "spec.parentRefs.1": { name: "agentgateway-proxy", namespace: "agentgateway-system" },
      }),
      "HTTPRoute/mcp-github: spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent",
    ],
    [
      "the same parent with and without a sectionName",
      withChanges(githubRoute, {
        "spec.parentRefs.1": {
          name: "agentgateway-proxy",
          namespace: "agentgateway-system",
          sectionName: "http",
        },
      }),
      "HTTPRoute/mcp-github: spec.parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent",
    ],
    [
      "more than 128 matches in all",
      withChanges(githubRoute, {
        "spec.rules": Array.from({ length: 3 }, () => ({
          matches: Array.from({ length: 43 }, () => ({ path: { type: "PathPrefix", value: "/" } })),
        })),
      }),
      "HTTPRoute/mcp-github: spec.rules: While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
    ],

    // Gateway
    [
      "no gatewayClassName",
      withChanges(proxyGateway, { "spec.gatewayClassName": undefined }),
      "Gateway/agentgateway-proxy: spec.gatewayClassName: Required value",
    ],
    [
      "no listeners",
      withChanges(proxyGateway, { "spec.listeners": [] }),
      "Gateway/agentgateway-proxy: spec.listeners: Invalid value: []: must NOT have fewer than 1 items",
    ],
    [
      "two listeners with one name",
      withChanges(proxyGateway, {
        "spec.listeners.1": { name: "http", port: 8080, protocol: "HTTP" },
      }),
      [
        'Gateway/agentgateway-proxy: spec.listeners[1]: Duplicate value: {"name":"http"}',
        "Gateway/agentgateway-proxy: spec.listeners: Listener name must be unique within the Gateway",
      ],
    ],
    [
      "two listeners on one port, protocol and hostname",
      withChanges(proxyGateway, {
        "spec.listeners.1": { name: "http-2", port: 80, protocol: "HTTP" },
      }),
      "Gateway/agentgateway-proxy: spec.listeners: Combination of port, protocol and hostname must be unique for each listener",
    ],
    [
      "tls on an HTTP listener",
      withChanges(proxyGateway, {
        "spec.listeners.0.tls": { certificateRefs: [{ name: "cert" }] },
      }),
      "Gateway/agentgateway-proxy: spec.listeners: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    ],
    [
      "an HTTPS listener passing TLS through",
      withChanges(proxyGateway, {
        "spec.listeners.0.protocol": "HTTPS",
        "spec.listeners.0.port": 443,
        "spec.listeners.0.tls": { mode: "Passthrough" },
      }),
      "Gateway/agentgateway-proxy: spec.listeners: tls mode must be Terminate for protocol HTTPS",
    ],
    [
      "an HTTPS listener terminating TLS without a certificate",
      withChanges(proxyGateway, {
        "spec.listeners.0.protocol": "HTTPS",
        "spec.listeners.0.port": 443,
        "spec.listeners.0.tls": {},
      }),
      "Gateway/agentgateway-proxy: spec.listeners[0].tls: certificateRefs or options must be specified when mode is Terminate",
    ],
    [
      "a TLS listener without tls",
      withChanges(proxyGateway, { "spec.listeners.0.protocol": "TLS" }),
      "Gateway/agentgateway-proxy: spec.listeners: tls mode must be set for protocol TLS",
    ],
    [
      "a hostname on a TCP listener",
      withChanges(proxyGateway, {
        "spec.listeners.0.protocol": "TCP",
        "spec.listeners.0.hostname": "mcp.example.com",
      }),
      "Gateway/agentgateway-proxy: spec.listeners: hostname must not be specified for protocols ['TCP', 'UDP']",
    ],
    [
      "a listener port as a string",
      withChanges(proxyGateway, { "spec.listeners.0.port": "80" }),
      [
        'Gateway/agentgateway-proxy: spec.listeners[0].port: Invalid value: "80": must be integer',
        "Gateway/agentgateway-proxy: <root>: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    ],
  ];

  it.each(cases)("%s", (_name, resource, problems) => {
    expect(validateResource(resource)).toEqual(Array.isArray(problems) ? problems : [problems]);
  });

  it("reports every problem of a resource at once", () => {
    const broken = withChanges(jwtPolicy, {
      "spec.traffic.jwtAuthentication.mode": "strict",
      "spec.traffic.authorization.policy.matchExpressions": [],
      "spec.targetRefs": [httpRouteTarget],
      "spec.traffic.phase": "PreRouting",
    });
    expect(validateResource(broken)).toEqual([
      'AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.mode: Unsupported value: "strict": supported values: "Optional", "Permissive", "Strict"',
      "AgentgatewayPolicy/jwt: spec.traffic.authorization.policy.matchExpressions: Invalid value: []: must NOT have fewer than 1 items",
      "AgentgatewayPolicy/jwt: spec: the 'traffic.phase=PreRouting' field can only target a Gateway or ListenerSet",
    ]);
  });

  it("refuses a rule it cannot evaluate, as CEL fails on a missing field", () => {
    const withoutProviders = withChanges(jwtPolicy, {
      "spec.traffic.jwtAuthentication": { mcp: { provider: "Keycloak" } },
    });
    expect(validateResource(withoutProviders)).toEqual([
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication.providers: Required value",
      "AgentgatewayPolicy/jwt: spec.traffic.jwtAuthentication: jwtAuthentication.mcp requires exactly one provider (the rule could not be evaluated: Cannot read properties of undefined (reading 'length'))",
    ]);
  });

  it("names a resource that is not an object", () => {
    expect(validateResources(["kind: HTTPRoute", null])).toEqual([
      '<no kind>/<no name>: <root>: Invalid value: "kind: HTTPRoute": a resource must be an object',
      "<no kind>/<no name>: <root>: Invalid value: null: a resource must be an object",
    ]);
  });
});
