import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import {
  everythingStdio,
  postInitialize,
  route,
  startEverythingHttp,
  startGateway,
  type TestGateway,
} from "../relay/harness";
import { testIssuer, type TestIssuer } from "./issuer";

let alice: string;
let bob: string;
let idp: TestIssuer;

beforeAll(async () => {
  idp = await testIssuer();
  alice = await idp.sign({ sub: "alice", team: "dev", roles: ["reader", "writer"] });
  bob = await idp.sign({ sub: "bob", team: "ops", roles: ["reader"] });
});

const jwtAuth = (mode?: "strict" | "optional" | "permissive") => ({
  issuer: idp.issuer,
  jwks: JSON.stringify(idp.jwks),
  ...(mode && { mode }),
});

async function gatewayWith(
  policies: RoutePolicies,
  targets: TargetSpec[] = [everythingStdio()],
): Promise<TestGateway> {
  return startGateway([route({ targets }, { policies })]);
}

async function client(url: string, bearer?: string): Promise<Client> {
  const c = new Client({ name: "auth-test", version: "1" });
  const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return c;
}

describe("jwtAuth modes", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("strict: no token is 401 'no bearer token found' with a bare Bearer challenge", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("strict") });
    const answer = await postInitialize(gw.url);
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("authentication failure: no bearer token found");
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
    expect(gw.requests().at(-1)).toMatchObject({ status: 401, reason: "no bearer token found" });
  });

  it("strict: a valid token passes and the log names its subject and issuer", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("strict") });
    const c = await client(gw.url, alice);
    await c.listTools();
    expect(gw.requests("tools/list").at(-1)).toMatchObject({
      subject: "alice",
      issuer: idp.issuer,
    });
    await c.close();
  });

  it("strict: an expired token is 401 with error=invalid_token and the reason", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("strict") });
    const expired = await idp.sign({ sub: "alice" }, { expiresIn: "-5m" });
    const answer = await postInitialize(gw.url, { Authorization: `Bearer ${expired}` });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("authentication failure: the token has expired");
    expect(answer.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", error_description="the token has expired"',
    );
  });

  it("optional (the default): no token passes, a bad token does not", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth() });
    expect((await postInitialize(gw.url)).status).toBe(200);
    expect((await postInitialize(gw.url, { Authorization: "Bearer not.a.token" })).status).toBe(
      401,
    );
  });

  it("permissive: even a bad token passes, as an anonymous caller", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("permissive") });
    expect((await postInitialize(gw.url, { Authorization: "Bearer not.a.token" })).status).toBe(
      200,
    );
  });
});

describe("route authorization (CEL over the claims and the request)", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("answers 403 'authorization failed' and logs the reason", async () => {
    gw = await gatewayWith({
      jwtAuth: jwtAuth("strict"),
      authorization: { rules: ['jwt.team == "dev"', { deny: '"intern" in jwt.roles' }] },
    });
    expect((await postInitialize(gw.url, { Authorization: `Bearer ${alice}` })).status).toBe(200);
    const refused = await postInitialize(gw.url, { Authorization: `Bearer ${bob}` });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe("authorization failed");
    expect(gw.requests().at(-1)).toMatchObject({
      status: 403,
      subject: "bob",
      reason: "no allow rule matched",
    });
  });
});

describe("mcpAuthorization per tool, with list claims", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("filters tools/list per caller and refuses hidden tools as unknown", async () => {
    gw = await gatewayWith({
      jwtAuth: jwtAuth("strict"),
      mcpAuthorization: {
        rules: [
          'mcp.tool.name == "echo"',
          { allow: '"writer" in jwt.roles && mcp.tool.name == "get-sum"' },
        ],
      },
    });
    const a = await client(gw.url, alice);
    const b = await client(gw.url, bob);
    expect((await a.listTools()).tools.map((t) => t.name).sort()).toEqual(["echo", "get-sum"]);
    expect((await b.listTools()).tools.map((t) => t.name)).toEqual(["echo"]);
    await expect(b.callTool({ name: "get-sum", arguments: { a: 1, b: 1 } })).rejects.toThrow(
      /Unknown tool: get-sum/,
    );
    expect(gw.requests("tools/list").find((e) => e.subject === "bob")?.reason).toMatch(
      /hid \d+ of the tools/,
    );
    await Promise.all([a.close(), b.close()]);
  });
});

describe("mcpAuthentication (OAuth protected-resource metadata, RFC 9728)", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("serves the metadata and points 401s at it", async () => {
    gw = await gatewayWith({
      mcpAuthentication: {
        issuer: idp.issuer,
        audiences: ["mcp"],
        jwks: JSON.stringify(idp.jwks),
        resourceMetadata: { scopesSupported: ["read"] },
      },
    });
    const base = new URL(gw.url).origin;
    const metadata = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toEqual({
      resource: `${base}/mcp`,
      authorization_servers: [idp.issuer],
      mcp_protocol_version: "2025-06-18",
      resource_type: "mcp-server",
      scopes_supported: ["read"],
    });

    const refused = await postInitialize(gw.url);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(await refused.json()).toEqual({
      error: "unauthorized",
      error_description: "JWT token required",
    });

    const withAudience = await idp.sign({ sub: "alice", aud: "mcp" });
    expect((await postInitialize(gw.url, { Authorization: `Bearer ${withAudience}` })).status).toBe(
      200,
    );
  });
});

describe("the token stays at the gateway unless backendAuth.passthrough", () => {
  let upstream: Awaited<ReturnType<typeof startEverythingHttp>>;
  let recorder: Server;
  let recorderUrl: string;
  const seen: (string | undefined)[] = [];
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    upstream = await startEverythingHttp("streamableHttp");
    const target = new URL(upstream.url);
    // A recording proxy in front of the HTTP target: what did the target get?
    recorder = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
    recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/mcp`;
  });
  afterEach(async () => {
    await gw?.close();
    seen.length = 0;
  });
  afterAll(() => {
    recorder?.closeAllConnections();
    recorder?.close();
    upstream?.stop();
  });

  it("is removed by default", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("strict") }, [
      { kind: "mcp", name: "remote", url: recorderUrl },
    ]);
    const c = await client(gw.url, alice);
    await c.listTools();
    await c.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((header) => header === undefined)).toBe(true);
  });

  it("is forwarded with passthrough", async () => {
    gw = await gatewayWith({ jwtAuth: jwtAuth("strict"), backendAuth: { passthrough: {} } }, [
      { kind: "mcp", name: "remote", url: recorderUrl },
    ]);
    const c = await client(gw.url, alice);
    await c.listTools();
    await c.close();
    expect(seen).toContain(`Bearer ${alice}`);
  });
});
