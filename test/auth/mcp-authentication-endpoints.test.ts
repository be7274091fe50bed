import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RoutePolicies } from "../../src/main/config/schema";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { RequestEvent } from "../../src/main/gateway/log-event";
import {
  everythingStdio,
  freePort,
  postInitialize,
  route,
  startGateway,
  type TestGateway,
} from "../relay/harness";
import { testIssuer, type TestIssuer } from "./issuer";

/**
 * What each of mcpAuthentication's endpoints answers, provider by provider, against a stand-in
 * identity provider on a real socket that serves canned documents and records what it is asked.
 */

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An identity provider that answers what the current test told it to, and remembers requests. */
class StandInIdp {
  seen: Seen[] = [];
  handlers = new Map<string, Handler>();
  origin = "";
  private readonly server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", this.origin).pathname;
      this.seen.push({ method: req.method ?? "GET", path, headers: req.headers, body });
      const handler = this.handlers.get(path);
      if (handler) handler(req, res, body);
      else if (/jwks|certs|keys/.test(path)) sendJson(res, keys.jwks);
      else res.writeHead(404).end();
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serveJson(path: string, document: unknown, status = 200): void {
    this.handlers.set(path, (_req, res) => sendJson(res, document, status));
  }

  paths(): string[] {
    return this.seen.map((s) => s.path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function sendJson(res: ServerResponse, document: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(document));
}

let keys: TestIssuer;
const idp = new StandInIdp();
let gw: TestGateway | undefined;

beforeAll(async () => {
  keys = await testIssuer();
  await idp.start();
});
afterAll(() => idp.close());
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  idp.seen = [];
  idp.handlers.clear();
});

type McpAuthentication = NonNullable<RoutePolicies["mcpAuthentication"]>;

async function gatewayWith(policy: Partial<McpAuthentication>): Promise<TestGateway> {
  const mcpAuthentication = {
    issuer: idp.origin,
    audiences: ["mcp"],
    resourceMetadata: {},
    ...policy,
  } as McpAuthentication;
  gw = await startGateway([
    route({ targets: [everythingStdio()] }, { policies: { mcpAuthentication } }),
  ]);
  return gw;
}

const originOf = (gateway: TestGateway) => new URL(gateway.url).origin;

/** What an upstream authorization server says about itself: just enough to adapt. */
const upstreamMetadata = (issuer: string, extra: Record<string, unknown> = {}) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  response_types_supported: ["code"],
  ...extra,
});

describe("protected-resource metadata (RFC 9728)", () => {
  it("describes the resource at the path after the well-known part, readable from any origin", async () => {
    const gateway = await gatewayWith({ resourceMetadata: { scopesSupported: ["read"] } });
    const base = originOf(gateway);
    const answer = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(await answer.json()).toEqual({
      resource: `${base}/mcp`,
      authorization_servers: [idp.origin],
      mcp_protocol_version: "2025-06-18",
      resource_type: "mcp-server",
      scopes_supported: ["read"],
    });
    const root = await fetch(`${base}/.well-known/oauth-protected-resource`);
    expect(((await root.json()) as { resource: string }).resource).toBe(base);
    const preflight = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:6274", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("mcp-protocol-version");
    const post = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`, {
      method: "POST",
    });
    expect(post.status).toBe(405);
  });

  it("with a provider names the gateway, at the resource's URL, as its authorization server", async () => {
    idp.serveJson("/.well-known/openid-configuration", upstreamMetadata(idp.origin));
    const gateway = await gatewayWith({ provider: { keycloak: {} } });
    const base = originOf(gateway);
    const document = await (
      await fetch(`${base}/.well-known/oauth-protected-resource/mcp`, {
        headers: { "X-Forwarded-Proto": "https" },
      })
    ).json();
    const host = new URL(base).host;
    expect(document).toMatchObject({
      resource: `https://${host}/mcp`,
      authorization_servers: [`https://${host}/mcp`],
    });
  });
});

describe("the 401 points at the metadata of the resource asked for", () => {
  it("from the request, for any route path; from the configured resource's origin when set", async () => {
    let gateway = await gatewayWith({});
    const base = originOf(gateway);
    const refused = await postInitialize(`${base}/team/a/mcp`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/team/a/mcp"`,
    );
    await gateway.close();
    gateway = await gatewayWith({
      resourceMetadata: { resource: "https://mcp.example.com/base/mcp?x=1" },
    });
    const behindProxy = await postInitialize(gateway.url);
    expect(behindProxy.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it("but never on the well-known paths, which are open to anyone", async () => {
    idp.serveJson("/.well-known/openid-configuration", upstreamMetadata(idp.origin));
    const gateway = await gatewayWith({ provider: { keycloak: {} } });
    const answer = await fetch(`${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(gateway.requests().some((e) => e.denied)).toBe(false);
  });
});

interface ProviderCase {
  provider: string;
  /** The issuer's path on the stand-in. */
  issuerPath: string;
  /** Where agentgateway reads the provider's metadata, relative to the stand-in's origin. */
  metadataPath: (issuerPath: string) => string;
  upstreamExtra?: Record<string, unknown>;
  jwksPath: string;
  /** What the served document says, given the gateway's metadata URL and the upstream issuer. */
  expected: (served: string, upstream: string) => Record<string, unknown>;
  absent?: string[];
}

const TENANT = "11111111-2222-3333-4444-555555555555";

const PROVIDERS: ProviderCase[] = [
  {
    provider: "none",
    issuerPath: "/tenant-a",
    metadataPath: (p) => `/.well-known/oauth-authorization-server${p}`,
    upstreamExtra: { registration_endpoint: "IDP/register" },
    jwksPath: "/tenant-a/.well-known/jwks.json",
    expected: (_served, upstream) => ({
      issuer: upstream,
      authorization_endpoint: `${upstream}/authorize`,
      registration_endpoint: "IDP/register",
    }),
  },
  {
    provider: "auth0",
    issuerPath: "",
    metadataPath: () => "/.well-known/oauth-authorization-server",
    upstreamExtra: { registration_endpoint: "IDP/oidc/register" },
    jwksPath: "/.well-known/jwks.json",
    expected: (served, upstream) => ({
      issuer: served.replace("/.well-known/oauth-authorization-server", ""),
      authorization_endpoint: `${upstream}/authorize?audience=urn%3Amcp+api`,
      registration_endpoint: "IDP/oidc/register",
    }),
  },
  {
    provider: "keycloak",
    issuerPath: "/realms/mcp",
    metadataPath: (p) => `${p}/.well-known/openid-configuration`,
    upstreamExtra: { registration_endpoint: "IDP/realms/mcp/clients-registrations/openid-connect" },
    jwksPath: "/realms/mcp/protocol/openid-connect/certs",
    expected: (served) => ({
      issuer: served.replace("/.well-known/oauth-authorization-server", ""),
      registration_endpoint: `${served}/client-registration`,
    }),
  },
  {
    provider: "okta",
    issuerPath: "/oauth2/default",
    metadataPath: (p) => `${p}/.well-known/openid-configuration`,
    upstreamExtra: { registration_endpoint: "IDP/oauth2/v1/clients" },
    jwksPath: "/oauth2/default/.well-known/jwks.json",
    expected: (served, upstream) => ({
      authorization_endpoint: `${upstream}/authorize?audience=urn%3Amcp+api`,
      registration_endpoint: `${served}/client-registration`,
    }),
  },
  {
    provider: "descope",
    issuerPath: "/v1/apps/agentic/P123/S456",
    metadataPath: (p) => `${p}/.well-known/openid-configuration`,
    jwksPath: "/P123/.well-known/jwks.json",
    // Descope's metadata names no registration endpoint here: none is advertised.
    expected: (served) => ({
      issuer: served.replace("/.well-known/oauth-authorization-server", ""),
    }),
    absent: ["registration_endpoint"],
  },
  {
    provider: "authentik",
    issuerPath: "/application/o/gatehouse/",
    metadataPath: (p) => `${p}.well-known/openid-configuration`,
    jwksPath: "/application/o/gatehouse/jwks/",
    expected: (served) => ({ registration_endpoint: `${served}/client-registration` }),
  },
  {
    provider: "entra",
    issuerPath: `/${TENANT}/v2.0`,
    metadataPath: () => `/${TENANT}/v2.0/.well-known/openid-configuration`,
    jwksPath: `/${TENANT}/discovery/v2.0/keys`,
    expected: (served) => ({
      issuer: served.replace("/.well-known/oauth-authorization-server", ""),
      authorization_endpoint: `${served}/authorize`,
      token_endpoint: `${served}/token`,
      registration_endpoint: `${served}/client-registration`,
      code_challenge_methods_supported: ["S256"],
    }),
  },
];

describe("authorization server metadata, adapted per provider as agentgateway adapts it", () => {
  it.each(PROVIDERS)("$provider", async (c) => {
    const upstream = idp.origin + c.issuerPath.replace(/\/$/, "");
    const withIdp = (value: unknown) =>
      typeof value === "string" ? value.replace(/^IDP/, idp.origin) : value;
    const extra = Object.fromEntries(
      Object.entries(c.upstreamExtra ?? {}).map(([key, value]) => [key, withIdp(value)]),
    );
    idp.serveJson(c.metadataPath(c.issuerPath), upstreamMetadata(upstream, extra));
    const gateway = await gatewayWith({
      issuer: idp.origin + c.issuerPath,
      audiences: ["urn:mcp api"],
      ...(c.provider !== "none" && { provider: { [c.provider]: {} } }),
      ...(c.provider === "authentik" || c.provider === "entra"
        ? { clientId: "pre-registered" }
        : {}),
    });
    // The keys come from where the provider publishes them, fetched when the config loads.
    expect(idp.paths()).toContain(c.jwksPath);

    const served = `${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`;
    const answer = await fetch(served);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    const document = (await answer.json()) as Record<string, unknown>;
    const expected = Object.fromEntries(
      Object.entries(c.expected(served, upstream)).map(([key, value]) => [key, withIdp(value)]),
    );
    expect(document).toMatchObject(expected);
    for (const key of c.absent ?? []) expect(document).not.toHaveProperty(key);
    expect(idp.paths()).toContain(c.metadataPath(c.issuerPath));
  });
});

describe("client registration through the gateway", () => {
  it("with clientId hands out that client, whatever the client asked for", async () => {
    idp.serveJson("/.well-known/oauth-authorization-server", upstreamMetadata(idp.origin));
    const gateway = await gatewayWith({ provider: { auth0: {} }, clientId: "pre-registered" });
    const served = `${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`;
    // agentgateway leaves Auth0's own endpoint; a configured clientId is advertised instead.
    const metadata = (await (await fetch(served)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(`${served}/client-registration`);
    const answer = await fetch(`${served}/client-registration`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "mine", redirect_uris: ["http://127.0.0.1:1/cb", 7] }),
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(await answer.json()).toEqual({
      client_id: "pre-registered",
      client_id_issued_at: 0,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: ["http://127.0.0.1:1/cb"],
    });
    expect(idp.seen.filter((s) => s.method === "POST")).toEqual([]);
  });

  it("okta: forwarded to the org's endpoint with the client's credential, answer relayed with CORS", async () => {
    idp.handlers.set("/oauth2/v1/clients", (_req, res) =>
      sendJson(res, { client_id: "okta-made" }, 201),
    );
    const gateway = await gatewayWith({
      issuer: `${idp.origin}/oauth2/default`,
      provider: { okta: {} },
    });
    const answer = await fetch(
      `${originOf(gateway)}/.well-known/oauth-authorization-server/mcp/client-registration`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "SSWS token" },
        body: '{"redirect_uris":["http://127.0.0.1:1/cb"]}',
      },
    );
    expect(answer.status).toBe(201);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(await answer.json()).toEqual({ client_id: "okta-made" });
    const forwarded = idp.seen.find((s) => s.path === "/oauth2/v1/clients");
    expect(forwarded).toMatchObject({
      method: "POST",
      body: '{"redirect_uris":["http://127.0.0.1:1/cb"]}',
    });
    expect(forwarded?.headers.authorization).toBe("SSWS token");
  });

  it("descope: forwarded to the project's management endpoint", async () => {
    idp.handlers.set("/v1/mgmt/mcp/client/P1/S2/register", (_req, res) =>
      sendJson(res, { client_id: "descope-made" }, 201),
    );
    const gateway = await gatewayWith({
      issuer: `${idp.origin}/v1/apps/agentic/P1/S2`,
      provider: { descope: {} },
    });
    const answer = await fetch(
      `${originOf(gateway)}/.well-known/oauth-authorization-server/mcp/client-registration`,
      { method: "POST", body: "{}" },
    );
    expect(await answer.json()).toEqual({ client_id: "descope-made" });
  });

  it("entra without clientId: refused with what to set, in the answer, the log and a warning", async () => {
    const bus = new LogBus();
    const events: RequestEvent[] = [];
    bus.subscribe((e) => e.kind === "request" && events.push(e));
    const gateway = new Gateway({ bus, version: "test" });
    const warnings = await gateway.apply({
      listeners: [
        {
          name: "test",
          address: "127.0.0.1",
          port: 0,
          routes: [
            route(
              { targets: [everythingStdio()] },
              {
                policies: {
                  mcpAuthentication: {
                    issuer: `${idp.origin}/${TENANT}/v2.0`,
                    audiences: ["api://app"],
                    provider: { entra: {} },
                    resourceMetadata: {},
                  },
                },
              },
            ),
          ],
        },
      ],
      sessionIdleMs: 60_000,
    });
    try {
      expect(warnings.map((w) => w.message)).toEqual([
        expect.stringContaining("Entra ID does not support dynamic client registration"),
      ]);
      const answer = await fetch(
        `${gateway.urls[0]}/.well-known/oauth-authorization-server/mcp/client-registration`,
        { method: "POST", body: "{}" },
      );
      expect(answer.status).toBe(500);
      expect(await answer.text()).toContain("set clientId");
      expect(events.at(-1)).toMatchObject({
        status: 500,
        error: expect.stringContaining("set clientId"),
      });
    } finally {
      await gateway.close();
    }
  });
});

describe("Entra's authorize and token endpoints, proxied", () => {
  const tokenPath = `/${TENANT}/oauth2/v2.0/token`;
  let base = "";

  async function entraGateway(): Promise<string> {
    idp.handlers.set(tokenPath, (_req, res) =>
      sendJson(res, { access_token: "t", token_type: "Bearer" }),
    );
    const gateway = await gatewayWith({
      issuer: `${idp.origin}/${TENANT}/v2.0`,
      audiences: ["api://app"],
      provider: { entra: {} },
      clientId: "app",
      clientSecret: "s3cret",
    });
    base = `${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`;
    return base;
  }

  const token = (form: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: form,
    });
  const lastForm = () =>
    new URLSearchParams(idp.seen.filter((s) => s.path === tokenPath).at(-1)?.body ?? "");

  it("authorize redirects to the tenant with the same query, less resource", async () => {
    await entraGateway();
    const answer = await fetch(
      `${base}/authorize?client_id=app&resource=http%3A%2F%2Fgw%2Fmcp&state=xyz&code_challenge_method=S256`,
      { redirect: "manual" },
    );
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe(
      `${idp.origin}/${TENANT}/oauth2/v2.0/authorize?client_id=app&state=xyz&code_challenge_method=S256`,
    );
  });

  it("the secret goes only with a user's grant for clientId that brings no credential", async () => {
    await entraGateway();
    const answer = await token("grant_type=authorization_code&client_id=app&code=c&resource=x");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(await answer.json()).toEqual({ access_token: "t", token_type: "Bearer" });
    expect(Object.fromEntries(lastForm())).toEqual({
      grant_type: "authorization_code",
      client_id: "app",
      code: "c",
      client_secret: "s3cret",
    });

    await token("grant_type=refresh_token&client_id=app&refresh_token=r");
    expect(lastForm().get("client_secret")).toBe("s3cret");
    await token("grant_type=client_credentials&client_id=app&scope=x");
    expect(lastForm().has("client_secret")).toBe(false);
    await token("grant_type=authorization_code&client_id=other&code=c");
    expect(lastForm().has("client_secret")).toBe(false);
    await token("grant_type=authorization_code&client_id=app&code=c", {
      authorization: "Basic YXBwOm1pbmU=",
    });
    expect(lastForm().has("client_secret")).toBe(false);
    expect(idp.seen.at(-1)?.headers.authorization).toBe("Basic YXBwOm1pbmU=");
    await token("grant_type=authorization_code&client_id=app&client_secret=own&code=c");
    expect(lastForm().getAll("client_secret")).toEqual(["own"]);
  });

  it("refuses a form that names the client twice, and methods other than POST", async () => {
    await entraGateway();
    const before = idp.seen.length;
    const twice = await token("grant_type=authorization_code&client_id=app&client_id=other");
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ error: "invalid_request" });
    const get = await fetch(`${base}/token`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST, OPTIONS");
    expect(idp.seen.length).toBe(before);
  });
});

describe("an identity provider that fails is named in the answer and the log", () => {
  it("down, not JSON, or answering too much: 502, never a hang or a swollen gateway", async () => {
    idp.handlers.set("/big/.well-known/openid-configuration", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"pad":"${"x".repeat(2 * 1024 * 1024)}"}`);
    });
    idp.handlers.set("/html/.well-known/openid-configuration", (_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<html>"),
    );
    for (const [issuer, why] of [
      [`${idp.origin}/big`, "sent an answer larger than 1048576 bytes"],
      [`${idp.origin}/html`, "sent something that is not JSON"],
      [`http://127.0.0.1:${await freePort()}/realms/gone`, "could not be reached: ECONNREFUSED"],
    ] as const) {
      const gateway = await gatewayWith({
        issuer,
        provider: { keycloak: {} },
        jwks: JSON.stringify(keys.jwks),
      });
      const answer = await fetch(`${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`);
      expect(answer.status).toBe(502);
      expect(await answer.text()).toContain(why);
      expect(gateway.requests().at(-1)).toMatchObject({
        status: 502,
        error: expect.stringContaining(
          `the identity provider at ${issuer}/.well-known/openid-configuration ${why}`,
        ),
      });
      await gateway.close();
      gw = undefined;
    }
  });

  it("silent: given up after 10 seconds", { timeout: 30_000 }, async () => {
    idp.handlers.set("/slow/.well-known/openid-configuration", () => undefined);
    const gateway = await gatewayWith({
      issuer: `${idp.origin}/slow`,
      provider: { keycloak: {} },
      jwks: JSON.stringify(keys.jwks),
    });
    const answer = await fetch(`${originOf(gateway)}/.well-known/oauth-authorization-server/mcp`);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toContain("did not answer within 10 s");
  });
});
