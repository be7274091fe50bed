import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  everythingStdio,
  postInitialize,
  route,
  startEverythingHttp,
  startGateway,
  textOf,
  type TestGateway,
} from "./harness";

describe("client transports: Streamable HTTP and legacy SSE; the SSE upstream", () => {
  let gw: TestGateway;
  let sseUpstream: Awaited<ReturnType<typeof startEverythingHttp>>;
  const clients: Client[] = [];

  beforeAll(async () => {
    sseUpstream = await startEverythingHttp("sse");
    gw = await startGateway([
      route(
        { targets: [everythingStdio()] },
        {
          policies: {
            cors: {
              allowOrigins: ["https://inspector.example"],
              allowHeaders: ["*"],
              exposeHeaders: ["Mcp-Session-Id"],
              maxAge: "10m",
            },
          },
        },
      ),
      route(
        { targets: [{ kind: "sse", name: "legacy", url: sseUpstream.url }] },
        { name: "legacy", paths: [{ kind: "prefix", value: "/legacy" }] },
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gw?.close();
    sseUpstream?.stop();
  });

  const base = () => gw.url.replace(/\/mcp$/, "");

  it("serves legacy SSE clients on /sse (endpoint event, POSTs to the session)", async () => {
    const client = await connect(`${base()}/sse`, { sse: true });
    clients.push(client);
    expect(
      textOf(await client.callTool({ name: "echo", arguments: { message: "over sse" } })),
    ).toContain("over sse");
  });

  it("relays to a legacy SSE target", async () => {
    const client = await connect(`${base()}/legacy/mcp`);
    clients.push(client);
    expect(
      textOf(await client.callTool({ name: "echo", arguments: { message: "via sse upstream" } })),
    ).toContain("via sse upstream");
  });

  it("answers a CORS preflight from an allowed origin; on loopback, refuses one from elsewhere", async () => {
    const preflight = (origin: string) =>
      fetch(gw.url, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "content-type,mcp-session-id",
        },
      });
    const allowed = await preflight("https://inspector.example");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://inspector.example");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type,mcp-session-id");
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    // agentgateway answers 200 without CORS headers; on a loopback listener Gatehouse's
    // DNS-rebinding guard refuses the foreign origin outright (DESIGN.md, behaviour contract).
    const other = await preflight("https://elsewhere.example");
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes Mcp-Session-Id to an allowed browser origin", async () => {
    const answer = await postInitialize(gw.url, { Origin: "https://inspector.example" });
    expect(answer.headers.get("access-control-expose-headers")).toBe("Mcp-Session-Id");
    expect(answer.headers.get("mcp-session-id")).toBeTruthy();
  });

  it("refuses DNS-rebinding: a foreign Host, or an Origin the config does not allow", async () => {
    const { request } = await import("node:http");
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(gw.url, { method: "POST", headers }, (res) =>
          resolve(res.statusCode ?? 0),
        );
        req.on("error", reject);
        req.end("{}");
      });
    expect(await status({ Host: "attacker.example:3000" })).toBe(403);
    expect(await status({ Origin: "https://attacker.example" })).toBe(403);
    expect(
      gw.requests().some((e) => e.status === 403 && /attacker\.example/.test(e.error ?? "")),
    ).toBe(true);
  });

  it("answers protocol mistakes with a reason", async () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(gw.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          ...headers,
        },
        body,
      });
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toContain("not valid JSON");
    const noSession = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    expect(noSession.status).toBe(400);
    expect(await noSession.text()).toContain("Mcp-Session-Id header is required");
    const streamWithoutAccept = await fetch(gw.url);
    expect(streamWithoutAccept.status).toBe(406);
    const asText = await post("{}", { "Content-Type": "text/plain" });
    expect(asText.status).toBe(415);
    const put = await fetch(gw.url, { method: "PUT" });
    expect(put.status).toBe(405);
  });
});
