import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { withCompiledConfig } from "../../src/main/app/service";
import { ConfigError } from "../../src/main/config/problems";
import {
  importKubernetes,
  writeImportedConfig,
} from "../../src/main/config/kubernetes/kubernetes-import";

const JWKS =
  '{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: proxy, namespace: ns}
spec:
  gatewayClassName: agentgateway
  listeners:
    - {name: http, port: 8080, protocol: HTTP}
`;

const BACKEND = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata: {name: tools, namespace: ns}
spec:
  mcp:
    targets:
      - name: search
        static: {host: 127.0.0.1, port: 9000}
`;

const route = (
  name: string,
  path: string,
  section = "",
) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ns}
spec:
  parentRefs: [{name: proxy${section ? `, sectionName: ${section}` : ""}}]
  rules:
    - matches: [{path: {type: PathPrefix, value: ${path}}}]
      backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: tools}]
`;

const policy = (
  name: string,
  target: string,
  spec: string,
) => `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata: {name: ${name}, namespace: ns}
spec:
  targetRefs: [${target}]
${spec}`;

const onGateway = "{group: gateway.networking.k8s.io, kind: Gateway, name: proxy}";
const onRoute = (name: string) =>
  `{group: gateway.networking.k8s.io, kind: HTTPRoute, name: ${name}}`;

const jwt = (mode = "Strict") => `  traffic:
    jwtAuthentication:
      mode: ${mode}
      providers: [{issuer: solo.io, jwks: {inline: '${JWKS}'}}]
`;

function importSet(...documents: string[]) {
  const files = [{ file: "set.yaml", text: documents.join("---\n") }];
  const imported = importKubernetes(files);
  return { imported, text: writeImportedConfig(imported, files), files };
}

const todos = (imported: ReturnType<typeof importKubernetes>) =>
  imported.notes.filter((note) => note.todo).map((note) => note.at.message);

describe("importing Kubernetes resources", () => {
  it("turns a Gateway, backend, route and gateway policy into a config that serves", () => {
    const { imported, text } = importSet(
      GATEWAY,
      BACKEND,
      route("mcp", "/mcp"),
      policy("jwt", onGateway, jwt()),
    );
    expect(todos(imported)).toEqual([]);
    expect(imported.config).toEqual({
      gateways: { proxy: { port: 8080, listeners: [{ name: "http" }] } },
      routes: [
        {
          name: "mcp",
          gateways: "proxy/http",
          matches: [{ path: { pathPrefix: "/mcp" } }],
          backends: [{ backend: "tools" }],
          policies: { jwtAuth: { mode: "strict", issuer: "solo.io", jwks: JWKS } },
        },
      ],
      backends: [
        {
          name: "tools",
          mcp: { targets: [{ name: "search", mcp: { host: "http://127.0.0.1:9000/mcp" } }] },
        },
      ],
    });
    const loaded = parseConfig(text, "imported.yaml");
    expect(loaded.gateway.listeners[0]?.routes[0]?.policies.jwtAuth).toBeDefined();
  });

  it("lets a route's policy override its Gateway's, field by field, as agentgateway merges them", () => {
    const { imported } = importSet(
      GATEWAY,
      BACKEND,
      route("open", "/open"),
      route("closed", "/closed"),
      policy(
        "gateway-wide",
        onGateway,
        `${jwt()}    authorization:\n      policy: {matchExpressions: ['jwt.sub == "alice"']}\n`,
      ),
      policy(
        "closed-only",
        onRoute("closed"),
        `  traffic:\n    authorization:\n      action: Deny\n      policy: {matchExpressions: ['jwt.sub == "bob"', 'jwt.sub == "eve"']}\n`,
      ),
    );
    const [open, closed] = imported.config.routes as { policies: Record<string, unknown> }[];
    expect(open?.policies.authorization).toEqual({ rules: ['jwt.sub == "alice"'] });
    expect(closed?.policies.authorization).toEqual({
      rules: [{ deny: 'jwt.sub == "bob"' }, { deny: 'jwt.sub == "eve"' }],
    });
    expect(closed?.policies.jwtAuth).toEqual(open?.policies.jwtAuth);
  });

  it("puts a PreRouting policy on the listeners, before the route is chosen", () => {
    const { imported } = importSet(
      GATEWAY,
      BACKEND,
      route("mcp", "/mcp"),
      policy(
        "early",
        onGateway,
        `  traffic:\n    phase: PreRouting\n    authorization:\n      action: Require\n      policy: {matchExpressions: ['request.headers["x-team"] != ""']}\n`,
      ),
    );
    expect(imported.config.gateways).toEqual({
      proxy: {
        port: 8080,
        listeners: [
          {
            name: "http",
            authorization: { rules: [{ require: 'request.headers["x-team"] != ""' }] },
          },
        ],
      },
    });
    expect((imported.config.routes as { policies?: unknown }[])[0]?.policies).toBeUndefined();
  });

  it("reads MCP authorization on a backend, and targets chosen by label", () => {
    const labelled = BACKEND.replace(
      "metadata: {name: tools, namespace: ns}",
      "metadata: {name: tools, namespace: ns, labels: {team: a}}",
    );
    const { imported } = importSet(
      GATEWAY,
      labelled,
      route("mcp", "/mcp"),
      `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata: {name: tools-rbac, namespace: ns}
spec:
  targetSelectors: [{group: agentgateway.dev, kind: AgentgatewayBackend, matchLabels: {team: a}}]
  backend:
    mcp:
      authorization:
        policy: {matchExpressions: ['mcp.tool.name == "echo"']}
`,
    );
    expect((imported.config.backends as { policies?: unknown }[])[0]?.policies).toEqual({
      mcpAuthorization: { rules: ['mcp.tool.name == "echo"'] },
    });
  });

  it("serves the routes of resources without a Gateway on port 3000, or --port", () => {
    const files = [
      {
        file: "set.yaml",
        text: [BACKEND, route("mcp", "/mcp"), policy("jwt", onGateway, jwt())].join("---\n"),
      },
    ];
    expect(importKubernetes(files).config.gateways).toEqual({
      proxy: { port: 3000, listeners: [{ name: "http" }] },
    });
    const moved = importKubernetes(files, { port: 4100 });
    expect(moved.config.gateways).toEqual({ proxy: { port: 4100, listeners: [{ name: "http" }] } });
    // The stand-in takes the Gateway's name, so the policy on it still applies.
    expect(
      (moved.config.routes as { policies?: { jwtAuth?: unknown } }[])[0]?.policies?.jwtAuth,
    ).toBeDefined();
    expect(moved.notes.map((note) => note.at.message)).toContain(
      'no Gateway in the resources: the routes are served on port 4100, as gateway "proxy"',
    );
  });

  it("reads a GlooTrafficPolicy, with a PEM public key as its local JWKS", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const { imported, text } = importSet(
      GATEWAY,
      BACKEND,
      route("mcp", "/mcp"),
      `apiVersion: gloo.solo.io/v1alpha1
kind: GlooTrafficPolicy
metadata: {name: jwt, namespace: ns}
spec:
  targetRefs: [${onGateway}]
  glooJWT:
    beforeExtAuth:
      providers:
        selfminted:
          issuer: solo.io
          jwks:
            local:
              key: |
${pem
  .trim()
  .split("\n")
  .map((line) => `                ${line}`)
  .join("\n")}
  rbac:
    policy:
      matchExpressions: ['jwt.sub == "alice"']
`,
    );
    expect(todos(imported)).toEqual([]);
    const policies = (
      imported.config.routes as { policies: Record<string, { jwks?: string }> }[]
    )[0]?.policies;
    expect(JSON.parse(policies?.jwtAuth?.jwks as string).keys[0]).toMatchObject({
      kty: "RSA",
      use: "sig",
    });
    expect(policies?.authorization).toEqual({ rules: ['jwt.sub == "alice"'] });
    expect(() => parseConfig(text, "imported.yaml")).not.toThrow();
  });

  it("writes a TODO where the resources ask for what has no meaning here, naming the place", () => {
    const { imported, text } = importSet(
      GATEWAY.replace(
        "- {name: http, port: 8080, protocol: HTTP}",
        "- {name: http, port: 8080, protocol: HTTP}\n    - {name: https, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: cert}]}}",
      ),
      BACKEND.replace(
        "static: {host: 127.0.0.1, port: 9000}",
        "static: {host: 127.0.0.1, port: 9000}\n      - name: fetcher\n        selector: {services: {matchLabels: {app: fetcher}}}",
      ),
      route("mcp", "/mcp", "http"),
      policy(
        "jwt",
        onGateway,
        `  traffic:
    rateLimit: {local: [{requests: 10, unit: Minutes}]}
    jwtAuthentication:
      providers:
        - issuer: keycloak
          jwks:
            remote: {jwksPath: /realms/master/protocol/openid-connect/certs, backendRef: {name: keycloak, kind: Service, port: 8080}}
`,
      ),
      "apiVersion: v1\nkind: Service\nmetadata: {name: fetcher, namespace: ns}\n",
      "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: grpc, namespace: ns}\n",
    );
    expect(todos(imported)).toEqual([
      'listener "https" serves HTTPS with certificates from the cluster\'s Secrets: it is served as HTTP here; add tls: {cert, key} with files of this machine to serve HTTPS',
      'target "fetcher" selects Services by label, which exist only in the cluster: add a target with the server\'s URL (or its command) here',
      "spec.traffic.rateLimit is not carried over by Gatehouse",
      "the JWKS is served by Service keycloak, which has no address on this machine: http://keycloak.ns.svc.cluster.local:8080/realms/master/protocol/openid-connect/certs was written in its place; replace it with a URL this machine can reach (kubectl port-forward) or a file",
      "gateway.networking.k8s.io/v1 GRPCRoute is not imported by Gatehouse: it reads Gateway (gateway.networking.k8s.io), HTTPRoute (gateway.networking.k8s.io), AgentgatewayBackend (agentgateway.dev), AgentgatewayPolicy (agentgateway.dev), GlooTrafficPolicy (gloo.solo.io)",
    ]);
    // A TODO stands above the place it is about, with where it came from.
    expect(text).toMatch(
      /# TODO: target "fetcher" selects Services by label.*\(set\.yaml:\d+:\d+ spec\.mcp\.targets\[1\]\.selector\)\n\s+mcp:/,
    );
    expect(text).toContain("# Note: Service/fetcher has no meaning on this machine: skipped");
  });

  it("reads kinds by their API group: an Istio Gateway is not a Gateway API one", () => {
    const istio =
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: proxy, namespace: ns}\nspec: {}\n";
    const { imported } = importSet(istio, BACKEND, route("mcp", "/mcp"));
    expect(todos(imported)[0]).toMatch(
      /^networking\.istio\.io\/v1 Gateway is not imported by Gatehouse/,
    );
  });

  it("writes the TODOs of a backend left out in the header, not above the next backend", () => {
    const unusable = BACKEND.replace("tools", "cluster-only").replace(
      "static: {host: 127.0.0.1, port: 9000}",
      "selector: {services: {matchLabels: {app: x}}}",
    );
    const { text } = importSet(GATEWAY, unusable, BACKEND, route("mcp", "/mcp"));
    const [header] = text.split("\ngateways:");
    expect(header).toContain('# TODO: target "search" selects Services by label');
    expect(header).toContain("# TODO: no target of this backend can be served here");
    expect(text.split("\nbackends:")[1]).not.toContain("TODO");
  });

  it("refuses to serve resources that do not import completely, listing each place", () => {
    const text = [
      GATEWAY,
      BACKEND,
      route("mcp", "/mcp"),
      policy("jwt", onGateway, "  traffic:\n    rateLimit: {}\n"),
    ].join("---\n");
    let error: unknown;
    try {
      parseConfig(text, "guide.yaml");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      "1:1 these Kubernetes resources do not import completely, so they are not served: `gatehouse import k8s -f guide.yaml` writes the config with a TODO at each place below",
      "33:16 spec.traffic.rateLimit is not carried over by Gatehouse",
    ]);
  });

  it("locates a problem of the imported config at the resource field it came from", async () => {
    const text = [
      GATEWAY,
      BACKEND,
      route("mcp", "/mcp"),
      policy(
        "rbac",
        onGateway,
        "  traffic:\n    authorization:\n      policy:\n        matchExpressions:\n          - 'jwt.sub == \"alice\"'\n          - 'jwt.sub =='\n",
      ),
    ].join("---\n");
    const loaded = parseConfig(text, "guide.yaml");
    await expect(withCompiledConfig(loaded, {}, async () => undefined)).rejects.toThrow(
      /^guide\.yaml:37:13: spec\.traffic\.authorization\.policy\.matchExpressions\[1\]: syntax error/,
    );
  });

  it("reads a kind: List, as kubectl get -o yaml writes it", () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n${[GATEWAY, BACKEND, route("mcp", "/mcp")]
      .map((doc) =>
        doc
          .split("\n")
          .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
          .join("\n"),
      )
      .join("\n")}`;
    const { imported } = importSet(list);
    expect(todos(imported)).toEqual([]);
    expect(imported.config.routes).toHaveLength(1);
  });

  it("says which document is not a resource, and where", () => {
    expect(() =>
      importKubernetes([{ file: "bad.yaml", text: `${GATEWAY}---\nkind: HTTPRoute\nspec: {}\n` }]),
    ).toThrow("bad.yaml:9:1: a Kubernetes resource needs apiVersion, metadata.name");
  });
});
