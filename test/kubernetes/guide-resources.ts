/**
 * agentgateway's Kubernetes resources as its MCP guides write them ("Secure access to MCP
 * servers", "Connect via HTTPS"), for tests to put together with their own ports and keys.
 */

const GATEWAY_NAME = "agentgateway-proxy";

function metadata(name: string, namespace?: string): string {
  return `metadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ""}`;
}

/** Several resources as one multi-document file. */
export function resourceSet(...documents: string[]): string {
  return documents.join("---\n");
}

export function gatewayResource(port: number, namespace?: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
${metadata(GATEWAY_NAME, namespace)}spec:
  gatewayClassName: agentgateway
  listeners:
    - name: http
      port: ${port}
      protocol: HTTP
`;
}

/** An MCP backend with a static target at `url`, and, if named, one only a cluster has. */
export function mcpBackendResource(options: {
  name: string;
  url: URL;
  clusterOnlyTarget?: string;
  namespace?: string;
}): string {
  const { url } = options;
  const selector = options.clusterOnlyTarget
    ? `      - name: ${options.clusterOnlyTarget}
        selector:
          matchLabels:
            app: mcp
`
    : "";
  return `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
${metadata(options.name, options.namespace)}spec:
  mcp:
    targets:
      - name: mcp-target
        static:
          host: ${url.hostname}
          port: ${url.port}
          path: ${url.pathname}
${selector}`;
}

export function httpRouteResource(options: {
  name: string;
  path: string;
  backend: string;
  namespace?: string;
}): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
${metadata(options.name, options.namespace)}spec:
  parentRefs:
    - name: ${GATEWAY_NAME}
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: ${options.path}
      backendRefs:
        - name: ${options.backend}
          group: agentgateway.dev
          kind: AgentgatewayBackend
`;
}

/** What a policy attaches to: the guide's Gateway, or an HTTPRoute. */
export type PolicyTarget = { kind: "Gateway" } | { kind: "HTTPRoute"; name: string };

interface JwtPolicyOptions {
  target: PolicyTarget;
  issuer: string;
  /** The JWKS as JSON text, written inline. */
  jwks: string;
  /** A CEL expression that must hold, in the policy's authorization. */
  rule?: string;
  namespace?: string;
}

function targetRef(target: PolicyTarget): string {
  return `  targetRefs:
    - group: gateway.networking.k8s.io
      kind: ${target.kind}
      name: ${target.kind === "Gateway" ? GATEWAY_NAME : target.name}
`;
}

/** The guide's JWT policy as an AgentgatewayPolicy: `mode: Strict`, an inline JWKS. */
export function agentgatewayJwtPolicy(options: JwtPolicyOptions): string {
  const authorization = options.rule
    ? `    authorization:
      action: Allow
      policy:
        matchExpressions:
          - '${options.rule}'
`
    : "";
  return `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
${metadata("jwt", options.namespace)}spec:
${targetRef(options.target)}  traffic:
    jwtAuthentication:
      mode: Strict
      providers:
        - issuer: ${options.issuer}
          jwks:
            inline: '${options.jwks}'
${authorization}`;
}

/** The same policy in the older GlooTrafficPolicy form: `glooJWT` and `rbac`. */
export function glooJwtPolicy(options: JwtPolicyOptions): string {
  const rbac = options.rule
    ? `  rbac:
    policy:
      matchExpressions:
        - '${options.rule}'
`
    : "";
  return `apiVersion: gloo.solo.io/v1alpha1
kind: GlooTrafficPolicy
${metadata("jwt", options.namespace)}spec:
${targetRef(options.target)}  glooJWT:
    beforeExtAuth:
      providers:
        selfminted:
          issuer: ${options.issuer}
          jwks:
            local:
              key: '${options.jwks}'
${rbac}`;
}
