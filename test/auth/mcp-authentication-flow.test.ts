import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { startNode22ToolOnTerminal } from "../node22-tools/run";
import { EVERYTHING, freePort, waitFor } from "../relay/harness";
import {
  ENTRA_AUDIENCE,
  startAuthorizationServer,
  type AuthorizationServer,
  type Flavour,
} from "./authorization-server";
import { InMemoryOAuthClient, REDIRECT_URI, signIn } from "./oauth-client";

/**
 * The whole OAuth dance of an MCP client through Gatehouse, against a real authorization
 * server: the 401 and its `resource_metadata`, discovery, registration, authorization code with
 * PKCE, the token, and then `tools/list` with that token. One case per kind of provider whose
 * behaviour differs.
 */

interface Running {
  idp: AuthorizationServer;
  gateway: Gateway;
  mcpUrl: string;
  events: GatewayEvent[];
}

let running: Running | undefined;
afterEach(async () => {
  await running?.gateway.close();
  await running?.idp.close();
  running = undefined;
});

/** A gateway on a known port (the audience names it) with `mcpAuthentication` as written. */
async function start(
  flavour: Flavour,
  policy: (idp: AuthorizationServer, mcpUrl: string) => string,
  clients: Record<string, unknown>[] = [],
): Promise<Running> {
  const idp = await startAuthorizationServer(flavour, clients);
  const port = await freePort();
  const mcpUrl = `http://127.0.0.1:${port}/mcp`;
  const yaml = `
binds:
- port: ${port}
  listeners:
  - routes:
    - matches:
      - path: { exact: /mcp }
      - path: { exact: /.well-known/oauth-protected-resource/mcp }
      - path: { pathPrefix: /.well-known/oauth-authorization-server/mcp }
      policies:
        mcpAuthentication:
${policy(idp, mcpUrl)
  .trim()
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
      backends:
      - mcp:
          targets:
          - name: everything
            stdio: { cmd: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING)}, stdio] }
`;
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply(parseConfig(yaml, "config.yaml", {}).gateway);
  running = { idp, gateway, mcpUrl, events };
  return running;
}

/**
 * What an SDK client does: connects, is refused with 401, runs `auth()` (discovery,
 * registration, the authorization URL), lets the person sign in, finishes with the code, and
 * connects again with the token.
 */
async function signInAndListTools(
  mcpUrl: string,
): Promise<{ tools: string[]; oauth: InMemoryOAuthClient }> {
  const oauth = new InMemoryOAuthClient();
  const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth });
  await expect(new Client({ name: "t", version: "1" }).connect(first)).rejects.toBeInstanceOf(
    UnauthorizedError,
  );
  expect(oauth.authorizationUrl).toBeDefined();
  const back = await signIn(oauth.authorizationUrl as URL);
  await first.finishAuth(back.searchParams.get("code") as string);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: oauth }));
  const { tools } = await client.listTools();
  await client.close();
  return { tools: tools.map((tool) => tool.name), oauth };
}

/**
 * The app registration Entra knows: a confidential client, whose secret the gateway adds. Its
 * redirect URI is on the loopback address, where any port matches (RFC 8252), as in Entra.
 */
const ENTRA_APP = {
  client_id: "gatehouse-app",
  client_secret: "the-app-secret",
  token_endpoint_auth_method: "client_secret_post",
  application_type: "native",
  redirect_uris: [`${new URL(REDIRECT_URI).protocol}//127.0.0.1/oauth/callback`],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
};

const requestsTo = (events: GatewayEvent[], prefix: string) =>
  events.filter((e): e is RequestEvent => e.kind === "request" && e.path.startsWith(prefix));

// A cold start (server-everything, the authorization server) on a busy machine takes seconds.
describe("mcpAuthentication: an MCP client signs in through Gatehouse", { timeout: 60_000 }, () => {
  it("no provider: the client goes to the issuer itself, found from the gateway's metadata", async () => {
    const { idp, mcpUrl, events } = await start(
      "standard",
      (idp, mcpUrl) => `
issuer: ${idp.issuer}
audiences: [${mcpUrl}]
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
    );
    const { tools } = await signInAndListTools(mcpUrl);
    expect(tools).toContain("echo");
    // Registration and the token went to the issuer directly; the gateway served its metadata.
    expect(idp.requests.some((r) => r.method === "POST" && r.path === "/reg")).toBe(true);
    expect(requestsTo(events, "/.well-known/oauth-protected-resource/mcp")[0]?.status).toBe(200);
    expect(requestsTo(events, "/.well-known/oauth-authorization-server")).toEqual([]);
  });

  it("keycloak: keys from its certs path, registration through the gateway, the gateway as issuer", async () => {
    const { idp, mcpUrl, events } = await start(
      "keycloak",
      (idp, mcpUrl) => `
issuer: ${idp.issuer}
audiences: [${mcpUrl}]
provider: { keycloak: {} }
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
    );
    const { tools, oauth } = await signInAndListTools(mcpUrl);
    expect(tools).toContain("echo");
    const registered = requestsTo(
      events,
      "/.well-known/oauth-authorization-server/mcp/client-registration",
    );
    expect(registered.map((e) => e.status)).toEqual([201]);
    expect(
      idp.requests.some(
        (r) => r.method === "POST" && r.path === "/realms/mcp/clients-registrations/openid-connect",
      ),
    ).toBe(true);
    expect(idp.requests.some((r) => r.path === "/realms/mcp/protocol/openid-connect/certs")).toBe(
      true,
    );
    // The token is for the resource the client asked for, and the gateway checked it.
    const claims = JSON.parse(
      Buffer.from((oauth.tokens()?.access_token ?? "").split(".")[1] ?? "", "base64url").toString(),
    );
    expect(claims).toMatchObject({ iss: idp.issuer, aud: mcpUrl, sub: "alice" });
  });

  it("authentik with clientId: the gateway's registration hands out the pre-registered client", async () => {
    const { idp, mcpUrl, events } = await start(
      "authentik",
      (idp, mcpUrl) => `
issuer: ${idp.issuer}
audiences: [${mcpUrl}]
provider: { authentik: {} }
clientId: gatehouse-public
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
      [
        {
          client_id: "gatehouse-public",
          token_endpoint_auth_method: "none",
          redirect_uris: [REDIRECT_URI],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
        },
      ],
    );
    const { tools, oauth } = await signInAndListTools(mcpUrl);
    expect(tools).toContain("echo");
    expect(oauth.clientInformation()?.client_id).toBe("gatehouse-public");
    expect(
      requestsTo(events, "/.well-known/oauth-authorization-server/mcp/client-registration").map(
        (e) => e.status,
      ),
    ).toEqual([201]);
    expect(idp.requests.some((r) => r.path === "/application/o/gatehouse/jwks/")).toBe(true);
  });

  it("entra: authorize and token through the gateway without `resource`, the secret added there", async () => {
    const { idp, mcpUrl, events } = await start(
      "entra",
      (idp) => `
issuer: ${idp.issuer}
audiences: [${ENTRA_AUDIENCE}]
provider: { entra: {} }
clientId: gatehouse-app
clientSecret: the-app-secret
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
      [ENTRA_APP],
    );
    const { tools, oauth } = await signInAndListTools(mcpUrl);
    expect(tools).toContain("echo");
    expect(oauth.clientInformation()?.client_id).toBe("gatehouse-app");
    const tenant = new URL(idp.issuer).pathname.split("/")[1];
    const authorize = idp.requests.find((r) => r.path === `/${tenant}/oauth2/v2.0/authorize`);
    expect(authorize?.query.get("code_challenge_method")).toBe("S256");
    expect(authorize?.query.has("resource")).toBe(false);
    expect(
      requestsTo(events, "/.well-known/oauth-authorization-server/mcp/authorize")[0]?.status,
    ).toBe(302);
    expect(requestsTo(events, "/.well-known/oauth-authorization-server/mcp/token")[0]?.status).toBe(
      200,
    );
    expect(idp.requests.some((r) => r.path === `/${tenant}/discovery/v2.0/keys`)).toBe(true);
  });
});

/**
 * MCP Inspector's CLI as a person runs it at a terminal: it registers, prints the URL to sign in
 * at, waits for the browser to come back to its loopback listener, and then lists the tools.
 * The test is the person: it signs in with HTTP requests and delivers the code to Inspector.
 */
async function inspectorSignsInAndListsTools(mcpUrl: string): Promise<string[]> {
  const callback = `http://127.0.0.1:${await freePort()}/oauth/callback`;
  const output = join(tmpdir(), `gatehouse-inspector-${process.pid}-${Date.now()}.json`);
  const run = await startNode22ToolOnTerminal(
    "inspector",
    ["--cli", mcpUrl, "--method", "tools/list", "--callback-url", callback, "--output", output],
    // Never a browser: the test signs in itself. Secrets stay in memory, not in a keychain.
    {
      timeoutMs: 90_000,
      env: { MCP_AUTO_OPEN_ENABLED: "false", MCP_INSPECTOR_SECRET_STORE: "memory" },
    },
  );
  const prompt = /Please navigate to: (\S+)/;
  await waitFor("Inspector to ask for a sign-in", () => prompt.test(run.output()), 60_000);
  const back = await signIn(new URL(prompt.exec(run.output())?.[1] as string), callback);
  expect((await fetch(back)).status).toBe(200);
  const code = await run.exited;
  if (code !== 0) throw new Error(`inspector exited ${code}: ${run.output()}`);
  const { tools } = JSON.parse(await readFile(output, "utf8")) as { tools: { name: string }[] };
  return tools.map((tool) => tool.name);
}

describe("mcpAuthentication: MCP Inspector's CLI signs in through Gatehouse", () => {
  it("no provider", { timeout: 120_000 }, async () => {
    const { mcpUrl } = await start(
      "standard",
      (idp, mcpUrl) => `
issuer: ${idp.issuer}
audiences: [${mcpUrl}]
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
    );
    expect(await inspectorSignsInAndListsTools(mcpUrl)).toContain("echo");
  });

  it(
    "entra, with the pre-registered client and the gateway's token endpoint",
    { timeout: 120_000 },
    async () => {
      const { mcpUrl, events } = await start(
        "entra",
        (idp) => `
issuer: ${idp.issuer}
audiences: [${ENTRA_AUDIENCE}]
provider: { entra: {} }
clientId: gatehouse-app
clientSecret: the-app-secret
resourceMetadata:
  scopesSupported: [mcp:tools]
`,
        [ENTRA_APP],
      );
      expect(await inspectorSignsInAndListsTools(mcpUrl)).toContain("echo");
      expect(
        requestsTo(events, "/.well-known/oauth-authorization-server/mcp/token")[0]?.status,
      ).toBe(200);
    },
  );
});
