import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer, type AdminServer } from "../../src/main/admin/admin-server";
import {
  everythingStdio,
  INITIALIZE_REQUEST,
  MCP_POST_HEADERS,
  route,
  startGateway,
  type TestGateway,
} from "../relay/harness";
import { rawRequest } from "../raw-http";

// Issue 8, case 3: DNS rebinding. A page on another site can make the browser send requests to
// 127.0.0.1 under its own host name and origin; only loopback names, matched exactly, may pass.

const LOOPBACK_HOSTS = [
  "localhost",
  "LocalHost:3000",
  "app.localhost",
  "app.localhost:8080",
  "127.0.0.1",
  "127.0.0.1:80",
  "127.1.2.3",
  "[::1]",
  "[::1]:3000",
];
const FOREIGN_HOSTS = [
  "127.evil.example",
  "127.0.0.1.evil.example",
  "127.0.0.1.nip.io:3000",
  "localhost.evil.example",
  "evil.example",
  "0x7f000001",
  "127.1",
  "[::ffff:127.0.0.1]",
  "localhost:3000:evil",
  "localhost:http",
];
const LOOPBACK_ORIGINS = [
  "http://localhost:5173",
  "http://127.0.0.1:3000",
  "http://[::1]:8080",
  "http://app.localhost",
];
const FOREIGN_ORIGINS = [
  "null",
  "http://127.evil.example",
  "http://127.0.0.1.evil.example",
  "https://evil.example",
  "not a url",
];

let gw: TestGateway;
let withNullOrigin: TestGateway;
let unprotected: TestGateway;
let admin: AdminServer;

beforeAll(async () => {
  gw = await startGateway([route({ targets: [everythingStdio()] })]);
  withNullOrigin = await startGateway([
    route({ targets: [everythingStdio()] }, { policies: { cors: { allowOrigins: ["null"] } } }),
  ]);
  unprotected = await startGateway([
    route({
      targets: [everythingStdio()],
      policies: {
        attachment: "backend",
        path: ["mcp"],
        policies: { dnsRebindingProtection: false },
      },
    }),
  ]);
  admin = await startAdminServer({ port: 0, jwksPath: "/nonexistent/jwks.json" });
});
afterAll(async () => {
  await Promise.all([gw?.close(), withNullOrigin?.close(), unprotected?.close(), admin?.close()]);
});

const post = (url: string, headers: Record<string, string>) =>
  rawRequest(url, {
    method: "POST",
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: JSON.stringify(INITIALIZE_REQUEST),
  });

describe("the MCP listener on 127.0.0.1", () => {
  it.each(LOOPBACK_HOSTS)("Host %s is loopback: served", async (host) => {
    expect((await post(gw.url, { Host: host })).status).toBe(200);
  });

  it.each(FOREIGN_HOSTS)("Host %s is not loopback: 403, no session", async (host) => {
    const answer = await post(gw.url, { Host: host });
    expect(answer.status).toBe(403);
    expect(answer.body).toBe(
      `host ${JSON.stringify(host)} is not allowed: this listener serves loopback names only (localhost, 127.0.0.1)`,
    );
    expect(answer.headers["mcp-session-id"]).toBeUndefined();
  });

  it.each(LOOPBACK_ORIGINS)("Origin %s is loopback: served", async (origin) => {
    expect((await post(gw.url, { Origin: origin })).status).toBe(200);
  });

  it.each(FOREIGN_ORIGINS)("Origin %s is refused with 403", async (origin) => {
    const answer = await post(gw.url, { Origin: origin });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(new RegExp(`^origin ${JSON.stringify(origin)} is not `));
  });

  it("Origin null passes where the route's cors lists it", async () => {
    expect((await post(withNullOrigin.url, { Origin: "null" })).status).toBe(200);
  });

  it("logs a refusal as a denial, with the reason", async () => {
    await post(gw.url, { Host: "logged.evil.example" });
    const refused = gw.requests().find((event) => event.reason?.includes("logged.evil"));
    expect(refused).toMatchObject({
      denied: true,
      status: 403,
      reason: expect.stringContaining('host "logged.evil.example" is not allowed'),
    });
  });
});

describe("dnsRebindingProtection: false, written on the MCP backend", () => {
  it("serves foreign host names and origins, as the config asks", async () => {
    const answer = await post(unprotected.url, {
      Host: "evil.example",
      Origin: "https://evil.example",
    });
    expect(answer.status).toBe(200);
  });

  it("says so when the config loads", async () => {
    const warnings = await unprotected.gateway.apply({
      listeners: [
        {
          name: "test",
          address: "127.0.0.1",
          port: 0,
          routes: [
            route({
              targets: [everythingStdio()],
              policies: {
                attachment: "backend",
                path: ["mcp"],
                policies: { dnsRebindingProtection: false },
              },
            }),
          ],
        },
      ],
      sessionIdleMs: 60_000,
    });
    expect(warnings).toEqual([
      {
        path: ["mcp", "dnsRebindingProtection"],
        message: expect.stringContaining("DNS-rebinding protection is off"),
      },
    ]);
  });
});

describe("the admin server, with the same matcher", () => {
  it.each(FOREIGN_HOSTS)("Host %s: 403", async (host) => {
    const answer = await rawRequest(`${admin.url}/.well-known/jwks.json`, {
      headers: { Host: host },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain(`host ${JSON.stringify(host)} is not allowed`);
  });

  it.each(LOOPBACK_HOSTS)("Host %s: served", async (host) => {
    const answer = await rawRequest(`${admin.url}/.well-known/jwks.json`, {
      headers: { Host: host },
    });
    expect(answer.status).not.toBe(403);
  });
});
