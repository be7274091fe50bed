import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status as grpcStatus } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import type { RoutePolicies } from "../../src/main/config/schema";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { NoticeEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { problemsOf } from "../config/expect-problems";
import {
  connect,
  freePort,
  INITIALIZE_REQUEST,
  MCP_POST_HEADERS,
  postInitialize,
  route,
  startGateway,
  textOf,
  waitFor,
  type TestGateway,
} from "../relay/harness";
import {
  startGrpcAuthz,
  startHttpAuthz,
  startRecordingMcpServer,
  startUnixWhois,
  type GrpcAuthzServer,
} from "./ext-authz-servers";

type ExtAuthz = NonNullable<RoutePolicies["extAuthz"]>;

const header = (key: string, value: string) => ({ header: { key, value } });

/** The gRPC server's decisions, by the `x-authz` header of the checked request. */
function decide(verdict: string | undefined) {
  switch (verdict) {
    case "allow":
      return {
        status: { code: 0 },
        ok_response: {
          headers: [header("x-user", "alice")],
          response_headers_to_add: [header("x-authz-checked", "yes")],
        },
      };
    case "deny":
      return {
        status: { code: grpcStatus.PERMISSION_DENIED, message: "not on the list" },
        denied_response: {
          status: { code: 401 },
          headers: [header("www-authenticate", 'Bearer realm="authz"')],
          body: "no entry",
        },
      };
    case "hang":
      return "hang" as const;
    case "fail":
      return { grpcError: grpcStatus.INTERNAL };
    default:
      return { status: { code: grpcStatus.PERMISSION_DENIED } };
  }
}

let grpc: GrpcAuthzServer;
let http: Awaited<ReturnType<typeof startHttpAuthz>>;
let target: Awaited<ReturnType<typeof startRecordingMcpServer>>;
let gw: TestGateway | undefined;

beforeAll(async () => {
  [grpc, http, target] = await Promise.all([
    startGrpcAuthz(decide),
    startHttpAuthz(),
    startRecordingMcpServer(),
  ]);
});
afterAll(() => Promise.all([grpc.close(), http.close(), target.close()]));
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  grpc.received.length = 0;
  http.received.length = 0;
  target.headers.length = 0;
});

function gatewayWith(extAuthz: ExtAuthz): Promise<TestGateway> {
  const targets = [{ kind: "mcp" as const, name: "rec", url: target.url }];
  return startGateway([route({ targets }, { policies: { extAuthz } })]);
}

/** The log event of the HTTP request that was refused last. */
const lastDenial = (gateway: TestGateway) =>
  gateway.requests().findLast((event) => event.denied) as RequestEvent;

describe("extAuthz over gRPC (Envoy's Authorization/Check)", () => {
  it("lets an allowed MCP session through; its HTTP target gets the headers the service added", async () => {
    gw = await gatewayWith({ host: grpc.address, protocol: { grpc: { context: { app: "t" } } } });
    const client = await connect(gw.url, { headers: { "x-authz": "allow" } });
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(textOf(result)).toBe("x-user: alice");
    await client.close();
    expect(target.headers.every((seen) => seen["x-user"] === "alice")).toBe(true);
    expect(target.headers.some((seen) => seen["x-authz"] !== undefined)).toBe(false);

    const answer = await postInitialize(gw.url, { "x-authz": "allow" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-authz-checked")).toBe("yes");
  });

  it("tells the service what Envoy tells it: peers, method, path, host, headers, context", async () => {
    gw = await gatewayWith({ host: grpc.address, protocol: { grpc: { context: { app: "t" } } } });
    await postInitialize(gw.url, { "x-authz": "allow", cookie: "a=1" });
    const check = grpc.received.at(-1)?.attributes;
    const port = Number(new URL(gw.url).port);
    expect(check?.source.address.socket_address.address).toBe("127.0.0.1");
    expect(check?.destination.address.socket_address).toMatchObject({
      address: "127.0.0.1",
      port_value: port,
    });
    expect(check?.request.http).toMatchObject({
      method: "POST",
      path: "/mcp",
      host: `127.0.0.1:${port}`,
      scheme: "http",
      protocol: "HTTP/1.1",
    });
    expect(check?.request.http.headers).toMatchObject({
      ":method": "POST",
      ":path": "/mcp",
      ":authority": `127.0.0.1:${port}`,
      "x-authz": "allow",
      cookie: "a=1",
      "content-type": "application/json",
    });
    expect(check?.context_extensions).toEqual({ app: "t" });
    expect(check?.metadata_context?.filter_metadata).toEqual({});
    expect(Math.abs((check?.request.time.seconds ?? 0) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("a denial answers with the service's status, headers and body, and is logged with its reason", async () => {
    gw = await gatewayWith({ host: grpc.address });
    const answer = await postInitialize(gw.url, { "x-authz": "deny" });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="authz"');
    expect(await answer.text()).toBe("no entry");
    expect(lastDenial(gw)).toMatchObject({
      status: 401,
      denied: true,
      reason:
        "extAuthz: denied by the authorization service (gRPC status PERMISSION_DENIED: not on the list)",
    });
    await expect(connect(gw.url, { headers: { "x-authz": "deny" } })).rejects.toThrow();
  });

  it("a denial without an answer of its own is agentgateway's 403", async () => {
    gw = await gatewayWith({ host: grpc.address });
    const answer = await postInitialize(gw.url);
    expect(answer.status).toBe(403);
    expect(await answer.text()).toBe("external authorization failed");
    expect(lastDenial(gw).reason).toBe(
      "extAuthz: denied by the authorization service (gRPC status PERMISSION_DENIED)",
    );
  });

  it("sends metadata from CEL, and the body as text or as bytes", async () => {
    gw = await gatewayWith({
      host: grpc.address,
      protocol: {
        grpc: {
          metadata: { "dev.gatehouse.request": '{"path": request.path, "method": request.method}' },
        },
      },
      includeRequestBody: {},
    });
    await postInitialize(gw.url, { "x-authz": "allow" });
    const check = grpc.received.at(-1)?.attributes;
    const body = JSON.stringify(INITIALIZE_REQUEST);
    expect(check?.metadata_context?.filter_metadata).toEqual({
      "dev.gatehouse.request": {
        fields: {
          path: { kind: "stringValue", stringValue: "/mcp" },
          method: { kind: "stringValue", stringValue: "POST" },
        },
      },
    });
    expect(check?.request.http.body).toBe(body);
    expect(check?.request.http.size).toBe(body.length);
    await gw.close();

    gw = await gatewayWith({ host: grpc.address, includeRequestBody: { packAsBytes: true } });
    await postInitialize(gw.url, { "x-authz": "allow" });
    const packed = grpc.received.at(-1)?.attributes.request.http;
    expect(packed?.raw_body.toString("utf8")).toBe(body);
    expect(packed?.body).toBe("");
  });

  it("a body over maxRequestBytes is refused with 413, or sent in part when allowed", async () => {
    gw = await gatewayWith({ host: grpc.address, includeRequestBody: { maxRequestBytes: 16 } });
    const refused = await postInitialize(gw.url, { "x-authz": "allow" });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toBe("external authorization failed");
    expect(grpc.received).toHaveLength(0);
    expect(lastDenial(gw).reason).toBe(
      "extAuthz: the request body is larger than includeRequestBody.maxRequestBytes (16)",
    );
    await gw.close();

    gw = await gatewayWith({
      host: grpc.address,
      includeRequestBody: { maxRequestBytes: 16, allowPartialMessage: true },
    });
    // The relay still reads the whole body after the check: the session starts.
    expect((await postInitialize(gw.url, { "x-authz": "allow" })).status).toBe(200);
    const sent = grpc.received.at(-1)?.attributes.request.http;
    expect(sent?.body).toBe(JSON.stringify(INITIALIZE_REQUEST).slice(0, 16));
    expect(sent?.size).toBe(-1);
  });

  it("a service that fails or takes too long counts as unavailable: denied by default", async () => {
    gw = await gatewayWith({ host: grpc.address, policies: { http: { requestTimeout: "300ms" } } });
    const failed = await postInitialize(gw.url, { "x-authz": "fail" });
    expect(failed.status).toBe(403);
    expect(lastDenial(gw).reason).toBe(
      "extAuthz: the authorization service is unavailable (gRPC INTERNAL: the test server fails)",
    );
    const started = Date.now();
    const slow = await postInitialize(gw.url, { "x-authz": "hang" });
    expect(slow.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lastDenial(gw).reason).toMatch(/unavailable \(gRPC DEADLINE_EXCEEDED/);
  });
});

describe("extAuthz on a gateway and on a backend", () => {
  it("on a gateway it decides before any route is chosen; on a backend, after the route's", async () => {
    const gateway = new Gateway({ bus: new LogBus(), version: "test" });
    const targets = [{ kind: "mcp" as const, name: "rec", url: target.url }];
    const backendLayer = {
      attachment: "backend" as const,
      path: ["routes", 0, "backends", 0, "policies"],
      policies: { extAuthz: { host: http.url, protocol: { http: {} } } },
    };
    await gateway.apply({
      listeners: [
        {
          name: "test",
          address: "127.0.0.1",
          port: 0,
          policies: [
            {
              attachment: "gateway",
              path: ["gateways", "default"],
              policies: { extAuthz: { host: grpc.address } },
            },
          ],
          routes: [
            route(
              { targets, policies: backendLayer },
              { paths: [{ kind: "exact", value: "/mcp" }] },
            ),
          ],
        },
      ],
      sessionIdleMs: 60_000,
    });
    try {
      const base = gateway.urls[0] as string;
      // The gateway's check comes first, even for a path no route takes.
      expect((await postInitialize(`${base}/nowhere`, { "x-authz": "deny" })).status).toBe(401);
      expect((await postInitialize(`${base}/nowhere`, { "x-authz": "allow" })).status).toBe(404);
      // Allowed by the gateway's gRPC service, then refused by the backend's HTTP one.
      const refused = await postInitialize(`${base}/mcp`, { "x-authz": "allow" });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toBe("sign in first");
      const allowed = await postInitialize(`${base}/mcp`, {
        "x-authz": "allow",
        Authorization: "Bearer good",
      });
      expect(allowed.status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe("extAuthz when the service cannot be reached", () => {
  let closedPort: number;
  beforeAll(async () => {
    closedPort = await freePort();
  });

  for (const protocol of [{ grpc: {} }, { http: {} }]) {
    const name = Object.keys(protocol)[0];

    it(`${name}: fails closed by default, with agentgateway's 403`, async () => {
      gw = await gatewayWith({ host: `127.0.0.1:${closedPort}`, protocol });
      const answer = await postInitialize(gw.url);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toBe("external authorization failed");
      expect(lastDenial(gw).reason).toMatch(
        /^extAuthz: the authorization service is unavailable \(/,
      );
    });

    it(`${name}: denyWithStatus answers with that status`, async () => {
      gw = await gatewayWith({
        host: `127.0.0.1:${closedPort}`,
        protocol,
        failureMode: { denyWithStatus: 503 },
      });
      const answer = await postInitialize(gw.url);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toBe("Authorization service unavailable");
      expect(lastDenial(gw).status).toBe(503);
    });

    it(`${name}: failureMode allow lets requests pass, and says so once in the log`, async () => {
      gw = await gatewayWith({ host: `127.0.0.1:${closedPort}`, protocol, failureMode: "allow" });
      const client = await connect(gw.url);
      expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
        "x-user: undefined",
      );
      await client.close();
      const warnings = gw.events.filter(
        (event): event is NoticeEvent => event.kind === "notice" && event.level === "warn",
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/requests pass \(failureMode: allow\)/);
      expect(gw.requests().some((event) => event.denied)).toBe(false);
    });
  }
});

describe("extAuthz over HTTP", () => {
  const httpAuthz = (extra: Partial<ExtAuthz> = {}): ExtAuthz => ({
    host: http.url,
    protocol: {
      http: { path: '"/auth" + request.path', includeResponseHeaders: ["x-auth-request-user"] },
    },
    ...extra,
  });

  it("2xx allows; the listed answer headers reach the target; the service sees only Authorization", async () => {
    gw = await gatewayWith(httpAuthz());
    const client = await connect(gw.url, {
      headers: { Authorization: "Bearer good", "x-other": "1" },
    });
    await client.listTools();
    await client.close();
    expect(http.received.at(-1)).toMatchObject({ method: "POST", url: "/auth/mcp", body: "" });
    const sent = http.received.at(-1)?.headers ?? {};
    expect(sent.authorization).toBe("Bearer good");
    expect(sent.host).toBe(new URL(http.url).host);
    expect(sent["x-other"]).toBeUndefined();
    expect(target.headers.at(-1)?.["x-auth-request-user"]).toBe("alice");
    expect(target.headers.at(-1)?.["x-not-copied"]).toBeUndefined();
    // The client's own credentials stay with the gateway.
    expect(target.headers.some((seen) => seen.authorization !== undefined)).toBe(false);
  });

  it("any other answer is the denial, as the service wrote it", async () => {
    gw = await gatewayWith(httpAuthz());
    const answer = await postInitialize(gw.url, { Authorization: "Bearer bad" });
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="tests"');
    expect(answer.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await answer.text()).toBe("sign in first");
    expect(lastDenial(gw)).toMatchObject({
      status: 401,
      reason: "extAuthz: the authorization service answered 401",
    });
  });

  it("redirect turns a 401 into a 302 to the expression's URL", async () => {
    gw = await gatewayWith({
      host: http.url,
      protocol: { http: { redirect: '"https://login.example/start?from=" + request.path' } },
    });
    const answer = await fetch(gw.url, { method: "POST", redirect: "manual" });
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("https://login.example/start?from=/mcp");
  });

  it("sends the listed headers, computed headers and the body with Envoy's partial-body flag", async () => {
    gw = await gatewayWith({
      host: http.url,
      includeRequestHeaders: ["cookie", ":method"],
      includeRequestBody: {},
      protocol: { http: { addRequestHeaders: { "x-original-path": "request.path" } } },
    });
    await fetch(gw.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, Authorization: "Bearer good", Cookie: "session=s1" },
      body: JSON.stringify(INITIALIZE_REQUEST),
    });
    const sent = http.received.at(-1);
    expect(sent?.headers).toMatchObject({
      cookie: "session=s1",
      "x-original-path": "/mcp",
      "x-envoy-auth-partial-body": "false",
    });
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toBe(JSON.stringify(INITIALIZE_REQUEST));
  });
});

describe("extAuthz config", () => {
  const mcpConfig = (policy: string) => `mcp:
  port: 3000
  policies:
    extAuthz:
${policy
  .split("\n")
  .map((line) => `      ${line}`)
  .join("\n")}
  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`;

  const compiles = (yaml: string) =>
    withCompiledConfig(
      parseConfig(yaml, "config.yaml", {}),
      {},
      async (runtime) => runtime.warnings,
    );

  it("takes the documented gRPC example (simplified MCP form) as written", async () => {
    const yaml = `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
    extAuthz:
      host: localhost:9000
      protocol:
        grpc:
          # Optional: metadata to send to the external authorization service
          # The value is a CEL expression
          metadata:
            dev.agentgateway.jwt: '{"claims": jwt}'
  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`;
    expect(await compiles(yaml)).toEqual([]);
  });

  it("takes the routing-based example on a gateway, a route and an MCP backend", async () => {
    const yaml = `gateways:
  default:
    port: 3000
    extAuthz:
      host: localhost:9000
routes:
- policies:
    extAuthz:
      host: localhost:9000
      protocol:
        grpc:
          metadata:
            dev.agentgateway.jwt: '{"claims": jwt}'
  backends:
  - mcp:
      targets:
      - name: everything
        stdio: {cmd: npx, args: ["@modelcontextprotocol/server-everything"]}
    policies:
      extAuthz:
        host: localhost:9000
        protocol:
          grpc: {}
`;
    expect(await compiles(yaml)).toEqual([]);
  });

  it("takes extProc, once refused, as its own policy (test/policies/ext-proc.test.ts)", async () => {
    const yaml = mcpConfig("host: localhost:9000").replace("extAuthz", "extProc");
    expect(await compiles(yaml)).toEqual([]);
  });

  it("takes the documented HTTP example, with includeRequestHeaders beside protocol", async () => {
    const policy = `host: localhost:9000
includeRequestHeaders:
  - cookie
protocol:
  http:
    path: |
      "/auth" + request.path
    includeResponseHeaders:
    - x-auth-request-user`;
    expect(await compiles(mcpConfig(policy))).toEqual([]);
  });

  it("refuses the HTTP example as the docs print it: agentgateway refuses it too", () => {
    const policy = `host: localhost:9000
protocol:
  includeRequestHeaders:
    - cookie
  http:
    path: '"/auth" + request.path'`;
    expect(problemsOf(mcpConfig(policy))).toEqual([
      expect.stringContaining(
        'mcp.policies.extAuthz.protocol.includeRequestHeaders: unknown key "includeRequestHeaders" (allowed here: grpc, http)',
      ),
    ]);
  });

  it("refuses what it does not implement by name, saying why", () => {
    const policy = `host: authz-server:9001
policies:
  backendTLS:
    root: /certs/ca.pem
  http:
    requestTimeout: "5s"
cache:
  key: [request.path]
  ttl: '"5m"'
protocol:
  grpc: {}`;
    expect(problemsOf(mcpConfig(policy))).toEqual([
      expect.stringMatching(
        /mcp\.policies\.extAuthz\.policies\.backendTLS: not supported by Gatehouse: not implemented yet/,
      ),
      expect.stringMatching(
        /mcp\.policies\.extAuthz\.cache: not supported by Gatehouse: not implemented yet/,
      ),
    ]);
    expect(problemsOf(mcpConfig("service: {name: authz, port: 9000}"))).toEqual([
      expect.stringMatching(/extAuthz\.host: is required/),
      expect.stringMatching(
        /extAuthz\.service: not supported by Gatehouse: Gatehouse has no services list/,
      ),
    ]);
    expect(problemsOf(mcpConfig("host: unix:run/tailscaled.sock"))).toEqual([
      expect.stringMatching(/extAuthz\.host: .*a Unix socket is written unix:\/absolute\/path/),
    ]);
  });

  it("refuses malformed values with what is wrong and where", () => {
    const problems = (policy: string) =>
      problemsOf(mcpConfig(policy)).map((p) => p.replace(/^config\.yaml:\d+:\d+: /, ""));
    expect(problems("host: localhost")).toEqual([
      'mcp.policies.extAuthz.host: "localhost" needs a port, as in localhost:9000',
    ]);
    expect(problems("host: http://authz:9000/check")).toEqual([
      'mcp.policies.extAuthz.host: "http://authz:9000/check": write the service\'s address alone, without a path or query',
    ]);
    expect(problems("host: localhost:9000\nprotocol: {grpc: {}, http: {}}")).toEqual([
      "mcp.policies.extAuthz.protocol: protocol is either {grpc: {...}} or {http: {...}}",
    ]);
    expect(problems("host: localhost:9000\nfailureMode: failOpen")).toEqual([
      'mcp.policies.extAuthz.failureMode: failureMode is "allow", "deny" or {denyWithStatus: <HTTP status>}',
    ]);
    expect(
      problems("host: localhost:9000\nincludeRequestHeaders: [cookie, ':status', 'bad header']"),
    ).toEqual(
      [1, 2].map(
        (i) =>
          `mcp.policies.extAuthz.includeRequestHeaders[${i}]: not a valid HTTP header name, nor one of :method, :scheme, :authority, :path`,
      ),
    );
    expect(
      problems("host: localhost:9000\nincludeRequestBody: {maxRequestBytes: 99999999}"),
    ).toEqual([
      "mcp.policies.extAuthz.includeRequestBody.maxRequestBytes: must be at most 4194304",
    ]);
    expect(
      problems(
        "host: localhost:9000\nincludeRequestBody: {packAsBytes: true}\nprotocol: {http: {body: '\"x\"'}}",
      ),
    ).toEqual([
      "mcp.policies.extAuthz.includeRequestBody: protocol.http.body replaces the request body: leave out includeRequestBody",
      "mcp.policies.extAuthz.includeRequestBody.packAsBytes: packAsBytes applies to gRPC checks only",
    ]);
  });

  it("a CEL expression that does not compile fails the load at its key", async () => {
    await expect(
      compiles(mcpConfig("host: localhost:9000\nprotocol: {http: {path: 'request.path +'}}")),
    ).rejects.toThrow(/mcp\.policies\.extAuthz\.protocol\.http\.path: /);
    await expect(
      compiles(mcpConfig("host: localhost:9000\nprotocol: {grpc: {metadata: {a: 'nope.x'}}}")),
    ).rejects.toThrow(/mcp\.policies\.extAuthz\.protocol\.grpc\.metadata\.a: .*nope/);
  });
});

/** The Tailscale integration page's config (Linux tab), with the test's socket and target. */
const tailscaleConfig = (socketPath: string, port: number, targetUrl: string, extra = "") => `
frontendPolicies:
  accessLog:
    add:
      tailscale.node: extauthz.tailscaleNode
      tailscale.email: extauthz.tailscaleEmail
gateways:
  default:
    port: ${port}
    protocol: HTTP
routes:
- name: application
  backends:
  - mcp:
      targets:
      - name: everything
        mcp:
          host: ${targetUrl}
  policies:
    cors:
      allowOrigins: ["*"]
      allowHeaders: ["*"]
      exposeHeaders: ["Mcp-Session-Id"]
    extAuthz:
      host: unix:${socketPath}
      protocol:
        http:
          path: |
            "/localapi/v0/whois?addr=" + source.address
          addRequestHeaders:
            :authority: '"local-tailscaled.sock"'
          metadata:
            tailscaleNode: json(response.body).Node.Name
            tailscaleEmail: json(response.body).UserProfile.LoginName
${extra}`;

describe("extAuthz on a Unix socket, with metadata for later CEL (the Tailscale page)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-authz-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes the Tailscale page's config as written, with only the socket path changed", async () => {
    const yaml = tailscaleConfig(join(dir, "tailscaled.sock"), 3000, "http://localhost:8080/mcp");
    const warnings = await withCompiledConfig(
      parseConfig(yaml, "config.yaml", {}),
      {},
      async (runtime) => runtime.warnings,
    );
    expect(warnings).toEqual([]);
  });

  it("asks tailscaled's whois over the socket; rules and the access log read extauthz", async () => {
    const socketPath = join(dir, "whois.sock");
    const whois = await startUnixWhois(socketPath);
    const rules = `    authorization:
      rules: ['extauthz.tailscaleNode.endsWith(".ts.net.")']
    mcpAuthorization:
      rules: ['extauthz.tailscaleEmail == "alice@example.com" && mcp.tool.name == "whoami"']
`;
    const yaml = tailscaleConfig(socketPath, await freePort(), target.url, rules);
    const bus = new LogBus();
    const events: RequestEvent[] = [];
    bus.subscribe((event) => {
      if (event.kind === "request") events.push(event);
    });
    const gateway = new Gateway({ bus, version: "test" });
    try {
      expect(await gateway.apply(parseConfig(yaml, "config.yaml", {}).gateway)).toEqual([]);
      const client = await connect(`${gateway.urls[0] as string}/mcp`);
      const { tools } = await client.listTools();
      await client.close();
      expect(tools.map((tool) => tool.name)).toEqual(["whoami"]);
      expect(whois.received.at(-1)).toMatchObject({
        method: "POST",
        url: "/localapi/v0/whois?addr=127.0.0.1",
      });
      expect(whois.received.at(-1)?.headers.host).toBe("local-tailscaled.sock");
      await waitFor("the logged tools/list", () =>
        events.some((event) => event.method === "tools/list"),
      );
      expect(events.find((event) => event.method === "tools/list")?.fields).toMatchObject({
        "tailscale.node": "laptop.tail1234.ts.net.",
        "tailscale.email": "alice@example.com",
      });
    } finally {
      await gateway.close();
      await whois.close();
    }
  });

  it("without :authority the Host is localhost, and a denial from the socket is the client's", async () => {
    const socketPath = join(dir, "whois-denies.sock");
    const whois = await startUnixWhois(socketPath);
    const targets = [{ kind: "mcp" as const, name: "rec", url: target.url }];
    gw = await startGateway([
      route(
        { targets },
        { policies: { extAuthz: { host: `unix:${socketPath}`, protocol: { http: {} } } } },
      ),
    ]);
    try {
      const answer = await postInitialize(gw.url);
      expect(answer.status).toBe(403);
      expect(await answer.text()).toBe("bad Host");
      expect(whois.received.at(-1)?.headers.host).toBe("localhost");
    } finally {
      await whois.close();
    }
  });

  it("calls a gRPC service on a Unix socket", async () => {
    const socketGrpc = await startGrpcAuthz(decide, `unix:${join(dir, "grpc.sock")}`);
    try {
      gw = await gatewayWith({ host: socketGrpc.address });
      expect((await postInitialize(gw.url, { "x-authz": "allow" })).status).toBe(200);
      expect((await postInitialize(gw.url, { "x-authz": "deny" })).status).toBe(401);
      expect(socketGrpc.received).toHaveLength(2);
    } finally {
      await socketGrpc.close();
    }
  });
});
