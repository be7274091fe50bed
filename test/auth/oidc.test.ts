import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import { chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { EVERYTHING, freePort } from "../relay/harness";
import { startAuthorizationServer, type AuthorizationServer } from "./authorization-server";
import { signIn } from "./oauth-client";

/**
 * Browser sign-in with `oidc`, end to end: a real OpenID provider (oidc-provider) and a real
 * gateway on 127.0.0.1 in front of a real MCP server. The test is the browser: it navigates,
 * follows the redirects, signs in at the provider's pages and keeps cookies as a browser does;
 * then an MCP client carries the session cookie, as a web page's fetch would.
 */

/** What Chromium sends when a person opens a page. */
const NAVIGATION = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const CLIENT_ID = "gatehouse-browser";
const CLIENT_SECRET = "the-browser-secret";

interface Running {
  idp: AuthorizationServer;
  gateway: Gateway;
  origin: string;
  callback: string;
  events: GatewayEvent[];
  /** What the config's compile warned about (a provider it could not reach). */
  warnings: string[];
}

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of started.splice(0).reverse()) await thing.close();
});

/** The provider, with the gateway registered as a confidential client at its callback. */
async function startProvider(callback: string, idTokenTtlSeconds?: number) {
  const idp = await startAuthorizationServer(
    "keycloak",
    [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [callback],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    { idTokenTtlSeconds },
  );
  started.push(idp);
  return idp;
}

const oidcPolicy = (idp: AuthorizationServer, callback: string) => `
  issuer: ${idp.issuer}
  clientId: ${CLIENT_ID}
  clientSecret: ${CLIENT_SECRET}
  redirectURI: ${callback}
  scopes: [openid]`;

const target = `
          - name: everything
            stdio: { cmd: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING)}, stdio] }`;

/** A gateway running `yaml` (given the provider and the port), with its log collected. */
async function startGateway(
  config: (idp: AuthorizationServer, port: number, callback: string) => string,
  options: { idTokenTtlSeconds?: number; port?: number; idp?: AuthorizationServer } = {},
): Promise<Running> {
  const port = options.port ?? (await freePort());
  const origin = `http://127.0.0.1:${port}`;
  const callback = `${origin}/oauth/callback`;
  const idp = options.idp ?? (await startProvider(callback, options.idTokenTtlSeconds));
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  started.push(gateway);
  const issues = await gateway.apply(
    parseConfig(config(idp, port, callback), "config.yaml", {}).gateway,
  );
  const warnings = issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  return { idp, gateway, origin, callback, events, warnings };
}

/** `mcp:` on its own port, every path its route's, `oidc` on it. */
const mcpShorthand = (idp: AuthorizationServer, port: number, callback: string) => `
mcp:
  port: ${port}
  policies:
    oidc:${oidcPolicy(idp, callback).replaceAll("\n", "\n    ")}
  targets:${target.replaceAll("\n          ", "\n  ")}
`;

/** A browser's cookie jar for the gateway's origin, and its requests there. */
class Browser {
  readonly cookies = new Map<string, string>();
  /** Every `Set-Cookie` the gateway sent, as sent. */
  readonly setCookies: string[] = [];

  async get(url: string, accept = NAVIGATION): Promise<Response> {
    const answer = await fetch(url, {
      headers: { accept, ...(this.cookies.size > 0 && { cookie: this.cookieHeader() }) },
      redirect: "manual",
    });
    for (const cookie of answer.headers.getSetCookie()) {
      this.setCookies.push(cookie);
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      if (/Max-Age=0(;|$)/.test(cookie)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return answer;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** The value of the cookie whose name starts with `prefix`. */
  cookie(prefix: string): [string, string] {
    const found = [...this.cookies].find(([name]) => name.startsWith(prefix));
    if (!found) throw new Error(`no cookie ${prefix}* in ${[...this.cookies.keys()].join(", ")}`);
    return found;
  }
}

/**
 * Opens `url` in the browser until the gateway sends it to the provider, signs in there as
 * alice, and returns where the provider sends the browser back: the gateway's callback.
 */
async function goToSignIn(browser: Browser, url: string, callback: string) {
  const first = await browser.get(url);
  expect(first.status).toBe(302);
  const authorize = new URL(first.headers.get("location") as string);
  const back = await signIn(authorize, callback);
  return { first, authorize, back };
}

/** The whole sign-in: the browser ends up back at `url` with its session cookie. */
async function signInAt(browser: Browser, url: string, callback: string): Promise<Response> {
  const { back } = await goToSignIn(browser, url, callback);
  const landed = await browser.get(back.href);
  expect(landed.status).toBe(302);
  expect(new URL(landed.headers.get("location") as string, url).href).toBe(url);
  return landed;
}

/** An MCP client that sends `cookie` with every request, as a page's `fetch` sends its cookies. */
async function listToolsWith(url: string, cookie: string): Promise<string[]> {
  const client = new Client({ name: "page", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { cookie } } }),
  );
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

/** A JSON-RPC POST as a script sends it, with or without cookies. */
function post(url: string, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(cookie !== undefined && { cookie }),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "script", version: "1" },
      },
    }),
  });
}

/**
 * A request that passes the gateway's policies without starting the MCP server: a GET that does
 * not take the event stream. Past authentication and rules, the MCP endpoint answers it 406.
 */
async function probe(url: string, cookie: string): Promise<number> {
  const answer = await fetch(url, { headers: { accept: "application/json", cookie } });
  await answer.arrayBuffer();
  return answer.status;
}

/** The browser arrives at the callback with `cookie` (the sign-in's, or none). */
async function openCallback(url: URL | string, cookie?: string) {
  const answer = await fetch(url, {
    headers: { accept: NAVIGATION, ...(cookie && { cookie }) },
    redirect: "manual",
  });
  return { status: answer.status, body: await answer.text(), answer };
}

const requests = (events: GatewayEvent[]) =>
  events.filter((e): e is RequestEvent => e.kind === "request");

// A cold start of server-everything and the provider on a busy machine takes seconds.
describe(
  "oidc: browsers sign in at an OpenID provider, and their session names the caller",
  {
    timeout: 60_000,
  },
  () => {
    it("a browser is sent to the provider with state, nonce and PKCE, comes back with a session, and the MCP route serves it as its ID token's subject", async () => {
      const { idp, origin, callback, events } = await startGateway(mcpShorthand);
      const browser = new Browser();
      const { first, authorize, back } = await goToSignIn(
        browser,
        `${origin}/mcp?from=bookmark`,
        callback,
      );

      expect(authorize.origin + authorize.pathname).toBe(
        `${idp.issuer}/protocol/openid-connect/auth`,
      );
      const query = Object.fromEntries(authorize.searchParams);
      expect(query).toMatchObject({
        response_type: "code",
        client_id: CLIENT_ID,
        redirect_uri: callback,
        scope: "openid",
        code_challenge_method: "S256",
      });
      expect(query.state).toMatch(/^[\w-]{22}\.[\w-]{22}$/);
      expect(query.nonce).toMatch(/^[\w-]{22}$/);
      expect(query.code_challenge).toMatch(/^[\w-]{43}$/);
      // The sign-in's secrets stay in this browser, sealed; over plain HTTP, not `Secure`.
      const [transaction] = first.headers.getSetCookie();
      expect(transaction).toMatch(
        /^agw_oidc_t_[0-9a-f]{16}\.[\w-]{22}=[\w-]+; Path=\/; Max-Age=300; HttpOnly; SameSite=Lax$/,
      );
      expect(transaction).not.toContain(query.nonce);
      expect(back.searchParams.get("state")).toBe(query.state);

      const landed = await browser.get(back.href);
      expect(landed.status).toBe(302);
      expect(landed.headers.get("location")).toBe("/mcp?from=bookmark");
      expect(landed.headers.get("cache-control")).toBe("no-store");
      const [session, cleared] = landed.headers.getSetCookie();
      expect(session).toMatch(
        /^agw_oidc_s_[0-9a-f]{16}=[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
      );
      expect(cleared).toMatch(/^agw_oidc_t_[0-9a-f]{16}\.[\w-]{22}=; Path=\/; Max-Age=0;/);
      // The code was exchanged at the provider's token endpoint, by the gateway.
      expect(
        idp.requests.some(
          (r) => r.method === "POST" && r.path === "/realms/mcp/protocol/openid-connect/token",
        ),
      ).toBe(true);

      // Back where it was going, the browser is no longer sent away: the MCP endpoint answers.
      const page = await browser.get(`${origin}/mcp?from=bookmark`);
      expect(page.status).toBe(406);
      expect(await page.text()).toContain("GET needs Accept: text/event-stream");

      const tools = await listToolsWith(`${origin}/mcp`, browser.cookieHeader());
      expect(tools).toContain("echo");
      const listed = requests(events).find((e) => e.method === "tools/list");
      expect(listed).toMatchObject({ subject: "alice", issuer: idp.issuer, status: 200 });
      expect(listed?.denied).toBeFalsy();
    });

    it("without a session, a script's request gets 401 and the reason, logged as a denial; only a navigation is sent to sign in", async () => {
      const { origin, events } = await startGateway(mcpShorthand);
      const answer = await post(`${origin}/mcp`);
      expect(answer.status).toBe(401);
      expect(await answer.text()).toBe(
        "authentication failure: no OIDC session; sign in with a browser",
      );
      expect(answer.headers.getSetCookie()).toEqual([]);
      const browser = new Browser();
      expect((await browser.get(`${origin}/mcp`, "application/json")).status).toBe(401);
      expect((await browser.get(`${origin}/mcp`, "*/*")).status).toBe(401);
      expect(browser.cookies.size).toBe(0);
      expect(requests(events).filter((e) => e.denied)).toEqual([
        expect.objectContaining({ status: 401, reason: "no OIDC session", httpMethod: "POST" }),
        expect.objectContaining({ status: 401, reason: "no OIDC session", httpMethod: "GET" }),
        expect.objectContaining({ status: 401, reason: "no OIDC session", httpMethod: "GET" }),
      ]);
    });

    it("a session cookie changed in one character is refused: 401 for a script, a new sign-in for a navigation", async () => {
      const { origin, callback, events } = await startGateway(mcpShorthand);
      const browser = new Browser();
      await signInAt(browser, `${origin}/mcp`, callback);
      const [name, value] = browser.cookie("agw_oidc_s_");
      const middle = Math.floor(value.length / 2);
      const flipped = value[middle] === "A" ? "B" : "A";
      const tampered = `${name}=${value.slice(0, middle)}${flipped}${value.slice(middle + 1)}`;

      const answer = await post(`${origin}/mcp`, tampered);
      expect(answer.status).toBe(401);
      expect(await answer.text()).toBe(
        "authentication failure: the OIDC session cookie is not valid; sign in with a browser",
      );
      expect(requests(events).at(-1)).toMatchObject({
        denied: true,
        reason: "the OIDC session cookie is not valid",
      });
      const navigation = await fetch(`${origin}/mcp`, {
        headers: { accept: NAVIGATION, cookie: tampered },
        redirect: "manual",
      });
      expect(navigation.status).toBe(302);
      expect(navigation.headers.get("location")).toContain("/protocol/openid-connect/auth?");
      // The untouched cookie still works.
      expect(await probe(`${origin}/mcp`, `${name}=${value}`)).toBe(406);
    });

    it("a tampered state, a callback in another browser and a replayed callback are refused; the real one completes once", async () => {
      const { origin, callback, events } = await startGateway(mcpShorthand);
      const browser = new Browser();
      const { back } = await goToSignIn(browser, `${origin}/mcp`, callback);
      const [transactionName, transactionValue] = browser.cookie("agw_oidc_t_");
      const withTransaction = `${transactionName}=${transactionValue}`;

      const state = back.searchParams.get("state") as string;
      const forged = new URL(back);
      forged.searchParams.set("state", `${state.split(".")[0]}.${"A".repeat(22)}`);
      expect(await openCallback(forged, withTransaction)).toMatchObject({
        status: 400,
        body: "sign-in failed: the state does not match this browser's sign-in",
      });
      const garbled = new URL(back);
      garbled.searchParams.set("state", "not a state");
      expect(await openCallback(garbled, withTransaction)).toMatchObject({
        status: 400,
        body: "sign-in failed: the state is not one this gateway issued",
      });
      // Login CSRF: the provider's answer delivered to a browser that did not start this sign-in.
      expect(await openCallback(back)).toMatchObject({
        status: 400,
        body: "sign-in failed: this browser has no sign-in under way for this state (it began in another browser, or its cookie expired)",
      });

      const completed = await openCallback(back, withTransaction);
      expect(completed.status).toBe(302);
      expect(completed.answer.headers.getSetCookie()[0]).toMatch(/^agw_oidc_s_/);
      const replayed = await openCallback(back, withTransaction);
      expect(replayed).toMatchObject({
        status: 400,
        body: "sign-in failed: this sign-in was already completed",
      });
      expect(
        requests(events)
          .filter((e) => e.denied)
          .map((e) => [e.status, e.reason]),
      ).toEqual([
        [400, "the state does not match this browser's sign-in"],
        [400, "the state is not one this gateway issued"],
        [
          400,
          "this browser has no sign-in under way for this state (it began in another browser, or its cookie expired)",
        ],
        [400, "this sign-in was already completed"],
      ]);
    });

    it("on a gateway, one sign-in serves every route, whose CEL rules read the ID token's claims as jwt; reserved cookies are gone before the rules", async () => {
      const routes = (path: string, rule: string) => `
- gateways: web
  matches: [{ path: { exact: ${path} } }]
  policies:
    authorization:
      rules: ['${rule}']
  backends:
  - mcp:
      targets:${target.replaceAll("\n          ", "\n      ")}`;
      const { idp, origin, callback, events } = await startGateway(
        (idp, port, callback) => `
gateways:
  web:
    port: ${port}
    oidc:${oidcPolicy(idp, callback).replaceAll("\n", "\n    ")}
routes:${routes("/alice/mcp", 'jwt.sub == "alice"')}${routes("/bob/mcp", 'jwt.sub == "bob"')}${routes(
          "/cookies/mcp",
          'request.headers["cookie"] == "theme=dark"',
        )}
`,
      );
      const browser = new Browser();
      await signInAt(browser, `${origin}/alice/mcp`, callback);
      const cookie = browser.cookieHeader();

      expect(await listToolsWith(`${origin}/alice/mcp`, cookie)).toContain("echo");
      const denied = await fetch(`${origin}/bob/mcp`, { headers: { cookie } });
      expect(denied.status).toBe(403);
      expect(await denied.text()).toBe("authorization failed");
      expect(requests(events).at(-1)).toMatchObject({
        path: "/bob/mcp",
        denied: true,
        subject: "alice",
        issuer: idp.issuer,
      });
      // The rule sees the page's own cookie, and nothing of the session beside it.
      expect(await probe(`${origin}/cookies/mcp`, `theme=dark; ${cookie}`)).toBe(406);
      expect(await probe(`${origin}/cookies/mcp`, `theme=light; ${cookie}`)).toBe(403);
    });

    it("a session ends when its ID token expires, and the browser signs in again", async () => {
      const { origin, callback } = await startGateway(mcpShorthand, { idTokenTtlSeconds: 2 });
      const browser = new Browser();
      await signInAt(browser, `${origin}/mcp`, callback);
      const session = browser.cookieHeader();
      expect(await probe(`${origin}/mcp`, session)).toBe(406);

      // The same cookie, kept past its Max-Age (as a script could): the gateway ends the session.
      const deadline = Date.now() + 20_000;
      while ((await probe(`${origin}/mcp`, session)) === 406 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const answer = await post(`${origin}/mcp`, session);
      expect(answer.status).toBe(401);
      expect(await answer.text()).toContain("the OIDC session has expired");
      const again = await browser.get(`${origin}/mcp`);
      expect(again.status).toBe(302);
      expect(again.headers.get("location")).toContain("/protocol/openid-connect/auth?");
    });

    it("the provider's refusal ends the sign-in with 400; a code it will not exchange (a wrong client secret) is its failure: 502 with what it said", async () => {
      const { origin, callback, events } = await startGateway((idp, port, callback) =>
        mcpShorthand(idp, port, callback).replace(CLIENT_SECRET, "not-the-secret"),
      );
      const refusing = new Browser();
      const first = await refusing.get(`${origin}/mcp`);
      const state = new URL(first.headers.get("location") as string).searchParams.get("state");
      const refused = new URL(callback);
      refused.search = new URLSearchParams({
        state: state as string,
        error: "access_denied",
        error_description: "the user said no",
      }).toString();
      expect(await openCallback(refused, refusing.cookieHeader())).toMatchObject({
        status: 400,
        body: 'sign-in failed: the identity provider refused the sign-in: "access_denied" ("the user said no")',
      });

      const browser = new Browser();
      const { back } = await goToSignIn(browser, `${origin}/mcp`, callback);
      const failed = await openCallback(back, browser.cookieHeader());
      expect(failed.status).toBe(502);
      expect(failed.body).toMatch(
        /^the identity provider's token endpoint http:\/\/127\.0\.0\.1:\d+\/realms\/mcp\/protocol\/openid-connect\/token answered HTTP 401: "invalid_client"/,
      );
      expect(failed.answer.headers.getSetCookie()).toEqual([
        expect.stringMatching(/^agw_oidc_t_[0-9a-f]{16}\.[\w-]{22}=; Path=\/; Max-Age=0;/),
      ]);
      expect(requests(events).at(-1)).toMatchObject({ status: 502, error: failed.body });
      expect(requests(events).at(-1)?.denied).toBeFalsy();
    });

    it("written out for HTTPS, the sign-in goes to the authorization endpoint as written, and its cookie is Secure", async () => {
      const { publicKey } = await generateKeyPair("RS256");
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: "k" }] });
      const { origin } = await startGateway(
        (_idp, port) => `
mcp:
  port: ${port}
  targets: []
  policies:
    oidc:
      issuer: https://idp.example.com
      authorizationEndpoint: https://idp.example.com/authorize?prompt=login
      tokenEndpoint: https://idp.example.com/token
      jwks: '${jwks}'
      clientId: ${CLIENT_ID}
      clientSecret: ${CLIENT_SECRET}
      redirectURI: https://gatehouse.example.com/oauth/callback
      scopes: [profile, openid, email]
`,
      );
      const first = await new Browser().get(`${origin}/page`);
      expect(first.status).toBe(302);
      const location = new URL(first.headers.get("location") as string);
      expect(location.origin + location.pathname).toBe("https://idp.example.com/authorize");
      expect(location.searchParams.get("prompt")).toBe("login");
      expect(location.searchParams.get("redirect_uri")).toBe(
        "https://gatehouse.example.com/oauth/callback",
      );
      expect(location.searchParams.get("scope")).toBe("openid profile email");
      expect(first.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    });

    it("a provider that cannot be reached when the config loads is a warning; browsers get 502 until it answers, then sign in", async () => {
      let available = false;
      let issuer = "";
      const discovery = createServer((req, res) => {
        if (!available) {
          res.writeHead(503).end();
          return;
        }
        void fetch(`${issuer}/.well-known/openid-configuration`)
          .then((answer) => answer.text())
          .then((text) => res.writeHead(200, { "content-type": "application/json" }).end(text));
      });
      await new Promise<void>((resolve) => discovery.listen(0, "127.0.0.1", resolve));
      started.push({
        close: () => new Promise<void>((resolve) => discovery.close(() => resolve())),
      });
      const documentUrl = `http://127.0.0.1:${(discovery.address() as AddressInfo).port}/doc`;
      const { idp, origin, callback, events, warnings } = await startGateway(
        (idp, port, callback) =>
          mcpShorthand(idp, port, callback).replace(
            "scopes: [openid]",
            `scopes: [openid]\n      discovery: { url: ${documentUrl} }`,
          ),
      );
      issuer = idp.issuer;
      expect(warnings).toEqual([
        `mcp.policies.oidc.discovery: the identity provider at ${documentUrl} answered HTTP 503: browsers cannot sign in (502) until it can be fetched`,
      ]);
      const browser = new Browser();
      const down = await browser.get(`${origin}/mcp`);
      expect(down.status).toBe(502);
      expect(await down.text()).toBe(`the identity provider at ${documentUrl} answered HTTP 503`);
      expect(requests(events).at(-1)).toMatchObject({ status: 502, error: expect.any(String) });

      available = true;
      await signInAt(browser, `${origin}/mcp`, callback);
      expect(await probe(`${origin}/mcp`, browser.cookieHeader())).toBe(406);
    });
  },
);

describe("oidc: the cookie key", { timeout: 60_000 }, () => {
  const withSecret = async <T>(secret: string, run: () => Promise<T>): Promise<T> => {
    const before = process.env.OIDC_COOKIE_SECRET;
    process.env.OIDC_COOKIE_SECRET = secret;
    try {
      return await run();
    } finally {
      if (before === undefined) delete process.env.OIDC_COOKIE_SECRET;
      else process.env.OIDC_COOKIE_SECRET = before;
    }
  };

  it("with OIDC_COOKIE_SECRET, a session outlives a restart; under another secret it opens nothing", async () => {
    const secret = "0123456789abcdef".repeat(4);
    const first = await withSecret(secret, () => startGateway(mcpShorthand));
    const browser = new Browser();
    await signInAt(browser, `${first.origin}/mcp`, first.callback);
    const session = browser.cookieHeader();
    await first.gateway.close();

    const port = Number(new URL(first.origin).port);
    const restarted = await withSecret(secret, () =>
      startGateway(mcpShorthand, { port, idp: first.idp }),
    );
    expect(await probe(`${restarted.origin}/mcp`, session)).toBe(406);
    await restarted.gateway.close();

    const rekeyed = await withSecret("fedcba9876543210".repeat(4), () =>
      startGateway(mcpShorthand, { port, idp: first.idp }),
    );
    const answer = await post(`${rekeyed.origin}/mcp`, session);
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain("the OIDC session cookie is not valid");
  });
});

const CHROMIUM = "/usr/bin/chromium";
const chromiumReason = existsSync(CHROMIUM)
  ? undefined
  : `Debian's Chromium is not installed at ${CHROMIUM} (apt-get install chromium; see .ci/run)`;

describe.skipIf(chromiumReason)(
  `oidc in a real browser${chromiumReason ? ` (skipped: ${chromiumReason})` : ""}`,
  { timeout: 90_000 },
  () => {
    it("Chromium opens the MCP URL, signs in on the provider's pages, lands back there, and the page's own fetch is served as alice; scripts never see the session", async () => {
      const { origin, events } = await startGateway(mcpShorthand);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
      });
      started.push(browser);
      const page = await browser.newPage();
      await page.goto(`${origin}/mcp`);
      // oidc-provider's own sign-in and consent pages.
      await page.fill('input[name="login"]', "alice");
      await page.fill('input[name="password"]', "any");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.waitForURL(`${origin}/mcp`, { timeout: 30_000 });
      expect(await page.textContent("body")).toContain("GET needs Accept: text/event-stream");

      expect(await page.evaluate<string>("document.cookie")).not.toContain("agw_oidc_");
      const status = await page.evaluate(async () => {
        const answer = await fetch("/mcp", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              clientInfo: { name: "page", version: "1" },
            },
          }),
        });
        await answer.text();
        return answer.status;
      });
      expect(status).toBe(200);
      expect(requests(events).find((e) => e.method === "initialize")).toMatchObject({
        subject: "alice",
      });
    });
  },
);
