import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../raw-http";
import {
  connect,
  everythingStdio,
  INITIALIZE_REQUEST,
  MCP_POST_HEADERS,
  route,
  startGateway,
  textOf,
  type TestGateway,
} from "./harness";

// statefulMode: stateless, as agentgateway's MCP docs configure it: 2025 clients get no session,
// and every request stands alone.

describe("a route with statefulMode: stateless", () => {
  let gw: TestGateway;
  let client: Client;

  beforeAll(async () => {
    gw = await startGateway([route({ targets: [everythingStdio()], statefulMode: "stateless" })]);
    client = await connect(gw.url);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  it("answers initialize with the target's handshake and no Mcp-Session-Id", async () => {
    const answer = await rawRequest(gw.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: JSON.stringify(INITIALIZE_REQUEST),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["mcp-session-id"]).toBeUndefined();
    const result = JSON.parse(answer.body).result;
    expect(result.serverInfo.name).toBe("mcp-servers/everything");
    expect(result.protocolVersion).toBe(INITIALIZE_REQUEST.params.protocolVersion);
  });

  it("serves an SDK client's lists and calls without a session", async () => {
    expect(client.getServerVersion()?.name).toBe("mcp-servers/everything");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("get-sum");
    const result = await client.callTool({ name: "get-sum", arguments: { a: 20, b: 22 } });
    expect(textOf(result)).toContain("42");
    const [call] = gw.requests("tools/call");
    expect(call).toMatchObject({ status: 200, target: "everything", name: "get-sum" });
  });

  it("takes a request with no initialize before it", async () => {
    const answer = await rawRequest(gw.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list" }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result.tools.length).toBeGreaterThan(0);
  });

  it("starts the target once for many requests, not once per request", async () => {
    for (let i = 0; i < 5; i++) await client.listTools();
    expect(gw.gateway.targetPids()).toHaveLength(1);
  });

  it("refuses GET and DELETE, which need a session, with 405 saying why", async () => {
    for (const method of ["GET", "DELETE"]) {
      const answer = await rawRequest(gw.url, {
        method,
        headers: { Accept: "text/event-stream", "Mcp-Session-Id": "anything" },
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("POST");
      expect(JSON.parse(answer.body).error.message).toBe(
        "this route keeps no sessions (statefulMode: stateless)",
      );
    }
  });
});
