import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAdminServer, type AdminServer } from "../../src/main/admin/admin-server";
import { createDispatcher } from "../../src/main/app/api/dispatch";
import { fakeUiApi, STATUS } from "../electron/fake-ui-api";
import { rawRequest as request } from "../raw-http";

let root: string;
let rendererDir: string;
let jwksPath: string;
let server: AdminServer;
let api: ReturnType<typeof fakeUiApi>;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gatehouse-admin-"));
  rendererDir = join(root, "renderer");
  mkdirSync(join(rendererDir, "assets"), { recursive: true });
  writeFileSync(join(rendererDir, "index.html"), "<!doctype html><title>Gatehouse</title>");
  writeFileSync(join(rendererDir, "assets", "index-abc123.js"), "console.log('ui')");
  writeFileSync(join(rendererDir, "assets", "index-abc123.css"), "body{}");
  writeFileSync(join(root, "secret.txt"), "outside the renderer");
  jwksPath = join(root, "jwks.json");
  writeFileSync(jwksPath, '{"keys":[{"kid":"k1"}]}');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function startWithUi() {
  api = fakeUiApi();
  server = await startAdminServer({
    port: 0,
    jwksPath,
    ui: { dispatch: createDispatcher(api), subscribe: api.subscribe, rendererDir },
  });
  const token = new URL(server.uiLink as string).searchParams.get("token") as string;
  const signIn = await request(server.uiLink as string);
  const cookie = (signIn.headers["set-cookie"]?.[0] ?? "").split(";")[0] as string;
  return { token, signIn, cookie };
}
afterEach(() => server?.close());

const call = (cookie: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${server.url}/api/call`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  });

describe("the admin server with the web UI", () => {
  it("prints a link with a fresh 32-byte token each run", async () => {
    const { token } = await startWithUi();
    expect(server.uiLink).toBe(`${server.url}/ui?token=${token}`);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const first = token;
    await server.close();
    expect((await startWithUi()).token).not.toBe(first);
  });

  it("refuses the UI and the API without the token, pointing at the printed link", async () => {
    await startWithUi();
    const page = await request(`${server.url}/ui/`);
    expect(page.status).toBe(401);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain('the line beginning with "Admin UI:"');
    const wrongLink = await request(`${server.url}/ui?token=not-the-token`);
    expect(wrongLink.status).toBe(401);
    const apiCall = await call("", { method: "status", args: [] });
    expect(apiCall.status).toBe(401);
    expect(JSON.parse(apiCall.body)).toMatchObject({ ok: false });
    expect((await request(`${server.url}/api/events`)).status).toBe(401);
    expect(api.calls).toEqual([]);
  });

  it("trades the token link for an HttpOnly, SameSite=Strict cookie and redirects to /ui/", async () => {
    const { signIn, token } = await startWithUi();
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe("/ui/");
    const cookie = signIn.headers["set-cookie"]?.[0] ?? "";
    expect(cookie).toMatch(new RegExp(`^gatehouse_admin_\\d+=${token}; `));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
  });

  it("answers API calls with the cookie or a bearer token", async () => {
    const { cookie, token } = await startWithUi();
    const withCookie = await call(cookie, { method: "status", args: [] });
    expect(withCookie.status).toBe(200);
    expect(JSON.parse(withCookie.body)).toEqual({ ok: true, value: STATUS });

    const withBearer = await call(
      "",
      { method: "mintToken", args: ["alice", null, "1h"] },
      {
        Authorization: `Bearer ${token}`,
      },
    );
    expect(JSON.parse(withBearer.body)).toMatchObject({ ok: true, value: { token: "t0k3n" } });

    const invalid = await call(cookie, { method: "createKey", args: ["HS256", null, null] });
    expect(JSON.parse(invalid.body)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid arguments to createKey: argument 1: /),
    });
    const failing = await call(cookie, { method: "deleteKey", args: ["k9"] });
    expect(JSON.parse(failing.body)).toEqual({ ok: false, error: 'no key "k9"' });
    const formPost = await request(`${server.url}/api/call`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "text/plain" },
      body: "{}",
    });
    expect(formPost.status).toBe(415);
  });

  it("refuses a POST from a foreign origin, even another local port", async () => {
    const { cookie } = await startWithUi();
    for (const origin of ["https://evil.example", "http://localhost:5173", "null"]) {
      const answer = await call(cookie, { method: "status", args: [] }, { Origin: origin });
      expect(answer.status, origin).toBe(403);
    }
    const own = await call(cookie, { method: "status", args: [] }, { Origin: server.url });
    expect(own.status).toBe(200);
    expect(api.calls).toHaveLength(1);
  });

  it("refuses a foreign Host (DNS rebinding), even with the token", async () => {
    const { cookie } = await startWithUi();
    const answer = await call(cookie, { method: "status", args: [] }, { Host: "evil.example" });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('host "evil.example" is not allowed');
    expect(
      (await request(`${server.url}/ui/`, { headers: { Host: "rebind.example" } })).status,
    ).toBe(403);
  });

  it("streams UI events as server-sent events", async () => {
    const { cookie } = await startWithUi();
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${server.url}/api/events`, { headers: { Cookie: cookie } });
      req.on("error", reject);
      req.on("response", (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream");
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.startsWith(": connected\n\n") && !text.includes("data:")) {
            api.emit({ type: "status", status: { ...STATUS, paused: true } });
          }
          if (text.includes("data:") && text.endsWith("\n\n")) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.end();
    });
    const line = received.split("\n").find((row) => row.startsWith("data: ")) as string;
    expect(JSON.parse(line.slice("data: ".length))).toEqual({
      type: "status",
      status: { ...STATUS, paused: true },
    });
  });

  it("serves the built renderer with the right types and refuses paths outside it", async () => {
    const { cookie } = await startWithUi();
    const get = (path: string) => request(`${server.url}${path}`, { headers: { Cookie: cookie } });

    const index = await get("/ui/");
    expect(index.status).toBe(200);
    expect(index.body).toContain("<title>Gatehouse</title>");
    expect(index.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect((await get("/ui/index.html")).headers["cache-control"]).toBe("no-cache");
    const script = await get("/ui/assets/index-abc123.js");
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toContain("immutable");
    expect((await get("/ui/assets/index-abc123.css")).headers["content-type"]).toBe(
      "text/css; charset=utf-8",
    );
    expect((await get("/ui")).headers.location).toBe("/ui/");

    for (const path of [
      "/ui/../secret.txt",
      "/ui/%2e%2e/secret.txt",
      "/ui/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/ui/..%5csecret.txt",
      "/ui/assets/",
      "/ui/missing.js",
      "/ui/%E0%A4%A",
    ]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain("outside the renderer");
    }
  });

  it("keeps the JWKS public", async () => {
    await startWithUi();
    const jwks = await request(`${server.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(JSON.parse(jwks.body)).toEqual({ keys: [{ kid: "k1" }] });
  });
});

describe("the admin server without the web UI", () => {
  it("serves the JWKS only", async () => {
    server = await startAdminServer({ port: 0, jwksPath });
    expect(server.uiLink).toBeUndefined();
    expect((await request(`${server.url}/.well-known/jwks.json`)).status).toBe(200);
    expect((await request(`${server.url}/ui?token=x`)).status).toBe(404);
    expect((await request(`${server.url}/api/call`, { method: "POST" })).status).toBe(404);
  });
});
