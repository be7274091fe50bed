import { exportJWK, generateKeyPair } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { CompileError, compileRuntime, type CompileIssue } from "../../src/main/gateway/runtime";
import { problemsOf } from "./expect-problems";

/** The policy as agentgateway's OIDC docs write it, under `mcp:` on its own port. */
const DOCS_MCP = `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
    oidc:
      issuer: http://localhost:7080/realms/agentgateway
      clientId: agentgateway-browser
      clientSecret: agentgateway-secret
      redirectURI: http://localhost:3000/oauth/callback
      scopes:
      - profile
      - email
  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`;

let jwks: string;
beforeAll(async () => {
  const { publicKey } = await generateKeyPair("RS256");
  jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" }] });
});

/** `oidc` on the `mcp:` shorthand, written out (no discovery, nothing fetched), plus `lines`. */
const explicit = (lines = "", replace: Record<string, string> = {}) => {
  const fields: Record<string, string> = {
    issuer: "https://idp.example.com",
    clientId: "gatehouse",
    clientSecret: "secret",
    redirectURI: "http://localhost:3000/oauth/callback",
    authorizationEndpoint: "https://idp.example.com/authorize",
    tokenEndpoint: "https://idp.example.com/token",
    jwks: `'${jwks}'`,
    ...replace,
  };
  const written = Object.entries(fields)
    .filter(([, value]) => value !== "")
    .map(([key, value]) => `      ${key}: ${value}`);
  const extra = lines ? lines.split("\n").map((line) => `      ${line}`) : [];
  return `mcp:
  targets: []
  policies:
    oidc:
${[...written, ...extra].join("\n")}
`;
};

async function compile(yaml: string) {
  const runtime = await compileRuntime(parseConfig(yaml, "config.yaml", {}).gateway);
  await runtime.close();
  return runtime.warnings.map(issue);
}

/** The problems compiling finds, as `path: message`. */
async function compileProblems(yaml: string): Promise<string[]> {
  const error = await compileRuntime(parseConfig(yaml, "config.yaml", {}).gateway).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompileError);
  return (error as CompileError).problems.map(issue);
}

const issue = (p: CompileIssue) => `${p.path.join(".")}: ${p.message}`;

describe("oidc: the documented configs", () => {
  it("the MCP example loads; an unreachable provider is a warning, and the gateway starts", async () => {
    expect(await compile(DOCS_MCP)).toEqual([
      "mcp.policies.oidc.issuer: the identity provider at http://localhost:7080/realms/agentgateway/.well-known/openid-configuration could not be reached: ECONNREFUSED: browsers cannot sign in (502) until it can be fetched",
    ]);
    const keycloak = DOCS_MCP.replace(
      "http://localhost:7080/realms/agentgateway",
      "http://keycloak.example.com/realms/myrealm",
    ).replace("agentgateway-secret", "my-client-secret");
    expect(parseConfig(keycloak, "config.yaml", {}).gateway.listeners[0]?.routes[0]).toMatchObject({
      paths: [],
      policies: { oidc: { issuer: "http://keycloak.example.com/realms/myrealm" } },
    });
  });

  it("the LLM, routing and traffic-oidc examples are refused for their backends, not for oidc", () => {
    const policy = `
    oidc:
      issuer: http://localhost:7080/realms/agentgateway
      clientId: agentgateway-browser
      clientSecret: agentgateway-secret
      redirectURI: http://localhost:3000/oauth/callback
      scopes: [profile, email]`;
    const llm = problemsOf(`llm:
  policies:${policy}
  models:
  - name: "*"
    provider: openAI
    params:
      apiKey: "$OPENAI_API_KEY"
`);
    expect(llm[0]).toBe(
      'config.yaml:1:1: llm: agentgateway feature "llm" is not supported by Gatehouse: Gatehouse relays MCP traffic, not LLM APIs',
    );
    expect(llm.filter((problem) => problem.includes("oidc"))).toEqual([]);
    const routing = problemsOf(`gateways:
  default:
    port: 3000
routes:
- backends:
  - host: localhost:18080
  matches:
  - path:
      pathPrefix: /
  policies:${policy}
`);
    expect(routing).toHaveLength(1);
    expect(routing[0]).toContain("routes[0].backends[0].host: ");
    const trafficExample = problemsOf(`frontendPolicies:
  accessLog:
    add:
      user.id: jwt.sub
      user.email: jwt.email
binds:
- port: 3000
  listeners:
  - name: default
    protocol: HTTP
    routes:
    - name: app
      matches:
      - path:
          pathPrefix: /
      backends:
      - host: localhost:18080
      policies:${policy.replaceAll("\n", "\n    ")}
`);
    expect(trafficExample).toHaveLength(1);
    expect(trafficExample[0]).toContain("binds[0].listeners[0].routes[0].backends[0].host: ");
  });

  it("written-out endpoints and keys need no provider to load, on a route, a gateway or a listener", async () => {
    expect(await compile(explicit("tokenEndpointAuth: clientSecretPost"))).toEqual([]);
    const policy = (indent: string) =>
      explicit()
        .split("\n")
        .slice(3)
        .map((line) => indent + line.slice(4))
        .join("\n");
    expect(
      await compile(`gateways:
  web:
    port: 3000
${policy("    ")}
  split:
    port: 3001
    listeners:
    - hostname: a.localhost
${policy("      ")}
mcp:
  gateways: [web, split]
  targets: []
`),
    ).toEqual([]);
  });
});

describe("oidc: what is refused, and where", () => {
  const savedSecret = process.env.OIDC_COOKIE_SECRET;
  afterEach(() => {
    if (savedSecret === undefined) delete process.env.OIDC_COOKIE_SECRET;
    else process.env.OIDC_COOKIE_SECRET = savedSecret;
  });

  it("the endpoints and keys come all written out or all discovered; tokenEndpointAuth only with them", () => {
    expect(problemsOf(explicit("", { jwks: "" }))).toEqual([
      "config.yaml:5:7: mcp.policies.oidc: authorizationEndpoint, tokenEndpoint, and jwks must either all be set or all be omitted",
    ]);
    expect(problemsOf(explicit("discovery: {url: https://idp.example.com/d}"))).toEqual([
      "config.yaml:12:18: mcp.policies.oidc.discovery: oidc discovery must be omitted when authorizationEndpoint, tokenEndpoint, and jwks are configured explicitly",
    ]);
    expect(
      problemsOf(
        explicit("tokenEndpointAuth: clientSecretPost", {
          authorizationEndpoint: "",
          tokenEndpoint: "",
          jwks: "",
        }),
      ),
    ).toEqual([
      "config.yaml:9:26: mcp.policies.oidc.tokenEndpointAuth: tokenEndpointAuth must be omitted unless authorizationEndpoint, tokenEndpoint, and jwks are configured explicitly",
    ]);
    expect(problemsOf(explicit("", { authorizationEndpoint: "/authorize" }))).toEqual([
      "config.yaml:9:30: mcp.policies.oidc.authorizationEndpoint: authorizationEndpoint must be an absolute http(s) URL",
    ]);
  });

  it("the client's keys are required, and keys agentgateway does not have are refused by name", () => {
    expect(problemsOf(explicit("", { clientSecret: "" }))).toEqual([
      "config.yaml:5:7: mcp.policies.oidc.clientSecret: is required, but missing",
    ]);
    expect(problemsOf(explicit("cookieName: session"))).toEqual([
      'config.yaml:12:7: mcp.policies.oidc.cookieName: unknown key "cookieName" (allowed here: issuer, discovery, authorizationEndpoint, tokenEndpoint, tokenEndpointAuth, jwks, clientId, clientSecret, redirectURI, scopes)',
    ]);
  });

  it("a redirectURI must say exactly one callback path, as agentgateway requires", async () => {
    const cases: [string, string][] = [
      ["https://app.example.com", "redirectURI path must be explicit and non-root"],
      ["https://app.example.com/", "redirectURI path must be explicit and non-root"],
      [
        "https://app.example.com/oauth/../callback",
        "redirectURI path must not contain dot segments",
      ],
      [
        "https://app.example.com/oauth/%2fcallback",
        "redirectURI path must not contain encoded slash or backslash characters",
      ],
      [
        "https://app.example.com/oauth/callback?x=1",
        "redirectURI must not contain query parameters",
      ],
      ["https://app.example.com/oauth/callback#top", "redirectURI must not contain a fragment"],
      ["https://me:pw@app.example.com/oauth/callback", "redirectURI must not contain userinfo"],
      ["ftp://app.example.com/oauth/callback", "redirectURI must use http or https, not ftp"],
      ["/oauth/callback", 'redirectURI must be an absolute URL, not "/oauth/callback"'],
    ];
    for (const [uri, message] of cases) {
      expect(await compileProblems(explicit("", { redirectURI: `"${uri}"` }))).toEqual([
        `mcp.policies.oidc.redirectURI: ${message}`,
      ]);
    }
  });

  it("on a route whose paths the callback does not reach, no sign-in could complete", async () => {
    const policy = explicit()
      .split("\n")
      .slice(3)
      .map((line) => `        ${line}`)
      .join("\n");
    const yaml = `binds:
- port: 3000
  listeners:
  - routes:
    - matches:
      - path: { pathPrefix: /mcp }
      policies:
${policy}
      backends:
      - mcp: { targets: [] }
`;
    expect(await compileProblems(yaml)).toEqual([
      "binds.0.listeners.0.routes.0.policies.oidc.redirectURI: the route does not match the redirectURI path /oauth/callback, so no sign-in could complete: add a match for it (path: {exact: /oauth/callback})",
    ]);
    const reached = yaml.replace(
      "- path: { pathPrefix: /mcp }",
      "- path: { pathPrefix: /mcp }\n      - path: { exact: /oauth/callback }",
    );
    expect(await compile(reached)).toEqual([]);
  });

  it("OIDC_COOKIE_SECRET must be agentgateway's 64 hex digits", async () => {
    process.env.OIDC_COOKIE_SECRET = "too-short";
    expect(await compileProblems(explicit())).toEqual([
      "mcp.policies.oidc: OIDC_COOKIE_SECRET must be 64 hex digits (a 32-byte AES-256-GCM key, as `openssl rand -hex 32` prints), not 9 characters",
    ]);
    process.env.OIDC_COOKIE_SECRET = "ab".repeat(32);
    expect(await compile(explicit())).toEqual([]);
  });

  it("a discovery document is the issuer's, names http(s) endpoints and a client authentication the gateway can do", async () => {
    const discovery = (fields: Record<string, unknown>) =>
      explicit(`discovery: '${JSON.stringify(fields)}'`, {
        authorizationEndpoint: "",
        tokenEndpoint: "",
        jwks: "",
      });
    const document = {
      issuer: "https://idp.example.com",
      authorization_endpoint: "https://idp.example.com/authorize",
      token_endpoint: "https://idp.example.com/token",
      jwks_uri: "https://idp.example.com/jwks",
    };
    expect(
      await compileProblems(discovery({ ...document, issuer: "https://other.example.com" })),
    ).toEqual([
      'mcp.policies.oidc.discovery: oidc discovery issuer mismatch: expected https://idp.example.com, got "https://other.example.com"',
    ]);
    expect(await compileProblems(discovery({ ...document, token_endpoint: "/token" }))).toEqual([
      "mcp.policies.oidc.discovery: the discovery document's token_endpoint is not an absolute http(s) URL",
    ]);
    expect(
      await compileProblems(
        discovery({ ...document, token_endpoint_auth_methods_supported: ["private_key_jwt"] }),
      ),
    ).toEqual([
      "mcp.policies.oidc.discovery: the provider's token_endpoint_auth_methods_supported names neither client_secret_basic nor client_secret_post, the two a gateway with a client secret can use",
    ]);
    expect(
      await compileProblems(
        explicit("discovery: {file: no-such-discovery.json}", {
          authorizationEndpoint: "",
          tokenEndpoint: "",
          jwks: "",
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^mcp\.policies\.oidc\.discovery\.file: cannot read ".*no-such-discovery\.json" \(ENOENT\)$/,
      ),
    ]);
  });
});
