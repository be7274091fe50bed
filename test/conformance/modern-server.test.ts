import { afterEach, describe, expect, it } from "vitest";
import { startModernConformanceServer } from "./modern-server";

let server: Awaited<ReturnType<typeof startModernConformanceServer>> | undefined;
afterEach(() => server?.close());

/** A 2025 client's first request: the handshake 2026-07-28 no longer has. */
function initialize(url: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "a-2025-client", version: "1.0.0" },
      },
    }),
  });
}

describe("the modern conformance server's eras", () => {
  it("serves a 2025 client's initialize by default", async () => {
    server = await startModernConformanceServer();
    const response = await initialize(server.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"protocolVersion":"2025-11-25"');
  });

  it("refuses it with legacy: false, naming the one version it serves", async () => {
    server = await startModernConformanceServer({ legacy: false });
    const response = await initialize(server.url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      id: 1,
      error: { code: -32022, data: { supported: ["2026-07-28"], requested: "2025-11-25" } },
    });
  });
});
