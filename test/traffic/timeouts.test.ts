import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import {
  connect,
  MCP_POST_HEADERS,
  postInitialize,
  route,
  startGateway,
  textOf,
  waitFor,
  type TestGateway,
} from "../relay/harness";
import { startRecordingTarget, type RecordingTarget } from "./recording-target";

/**
 * `timeout` and `delay` in front of a real HTTP MCP target whose `slow` tool answers late:
 * one route per policy set, each at its own path.
 */
describe("timeout and delay", () => {
  let target: RecordingTarget;
  let gw: TestGateway;
  const at = (name: string) => gw.url.replace("/mcp", `/${name}/mcp`);

  beforeAll(async () => {
    target = await startRecordingTarget();
    const targets: TargetSpec[] = [{ kind: "mcp", name: "rec", url: target.url }];
    const routeAt = (name: string, policies: RoutePolicies): RouteSpec =>
      route(
        { targets },
        {
          name,
          paths: [{ kind: "prefix", value: `/${name}` }],
          policiesPath: ["test", name, "policies"],
          policies,
        },
      );
    gw = await startGateway([
      routeAt("request", { timeout: { requestTimeout: "1s" } }),
      routeAt("backend", { timeout: { backendRequestTimeout: "500ms" } }),
      routeAt("delayed", { delay: { duration: "300ms" } }),
      routeAt("delayed-past-deadline", {
        delay: { duration: "5s" },
        timeout: { requestTimeout: "200ms" },
      }),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  async function withClient(url: string, use: (client: Client) => Promise<void>) {
    const client = await connect(url);
    try {
      await use(client);
    } finally {
      await client.close();
    }
  }

  it("requestTimeout: a call unanswered in time gets 504 with a JSON-RPC error, and the target is told to stop", async () => {
    await withClient(at("request"), async (client) => {
      const error = (await client
        .callTool({ name: "slow", arguments: { ms: 30_000 } })
        .catch((e: unknown) => e)) as Error & { code?: number };
      expect(error.code).toBe(504);
      expect(error.message).toContain(
        "request timeout: no answer within the route's timeout.requestTimeout",
      );
      const [slow] = target.calls("tools/call").filter((r) => r.rpc?.params?.name === "slow");
      await waitFor("the target to get notifications/cancelled for the slow call", () =>
        target
          .calls("notifications/cancelled")
          .some((r) => r.rpc?.params?.requestId === slow?.rpc?.id),
      );
      const logged = gw.requests("tools/call").find((event) => event.route === "request");
      expect(logged).toMatchObject({
        status: 504,
        error: expect.stringContaining("request timeout"),
      });
      // The session goes on: a quick call after it is answered.
      const echo = await client.callTool({ name: "echo", arguments: { text: "still here" } });
      expect(textOf(echo)).toBe("still here");
    });
  });

  it("requestTimeout: a raw POST gets the 504 as JSON-RPC under its own id", async () => {
    await withClient(at("request"), async (client) => {
      const session = (client.transport as { sessionId?: string }).sessionId as string;
      const response = await fetch(at("request"), {
        method: "POST",
        headers: {
          ...MCP_POST_HEADERS,
          "Mcp-Session-Id": session,
          "MCP-Protocol-Version": "2025-06-18",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: "raw-1",
          method: "tools/call",
          params: { name: "slow", arguments: { ms: 30_000 } },
        }),
      });
      expect(response.status).toBe(504);
      expect(await response.json()).toEqual({
        jsonrpc: "2.0",
        id: "raw-1",
        error: {
          code: -32001,
          message: "request timeout: no answer within the route's timeout.requestTimeout",
        },
      });
    });
  });

  it("requestTimeout: a stateless 2026-07-28 call unanswered in time gets the same 504, under its id", async () => {
    const meta = {
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": {},
    };
    const response = await fetch(at("request"), {
      method: "POST",
      headers: {
        ...MCP_POST_HEADERS,
        "MCP-Protocol-Version": "2026-07-28",
        "Mcp-Method": "tools/call",
        "Mcp-Name": "slow",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "slow", arguments: { ms: 30_000 }, _meta: meta },
      }),
    });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({
      id: 7,
      error: { code: -32001, message: expect.stringContaining("request timeout") },
    });
  });

  it("requestTimeout bounds the time until the answer begins: a call whose progress streams early runs on", async () => {
    await withClient(at("request"), async (client) => {
      const progress: number[] = [];
      const result = await client.callTool(
        { name: "progressing", arguments: { ms: 2_000 } },
        undefined,
        { onprogress: ({ progress: done }) => progress.push(done), timeout: 30_000 },
      );
      expect(textOf(result)).toBe("progressed 2000ms");
      expect(progress.length).toBeGreaterThan(1);
    });
  });

  it("requestTimeout leaves a session's GET stream open past it", async () => {
    // A client by hand, so that the stream is the test's own.
    const initialized = await postInitialize(at("request"));
    const session = initialized.headers.get("mcp-session-id") as string;
    await initialized.body?.cancel();
    const headers = {
      ...MCP_POST_HEADERS,
      "Mcp-Session-Id": session,
      "MCP-Protocol-Version": "2025-06-18",
    };
    const notified = await fetch(at("request"), {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    expect(notified.status).toBe(202);
    const stream = await openStream(at("request"), session);
    expect(stream.status).toBe(200);
    // The slow call's 504 comes a requestTimeout after the stream opened, and more.
    const timedOut = await fetch(at("request"), {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "slow", arguments: { ms: 30_000 } },
      }),
    });
    expect(timedOut.status).toBe(504);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.closed()).toBe(false);
    stream.close();
  });

  it("backendRequestTimeout: a request to the target without response headers in time fails, saying so", async () => {
    await withClient(at("backend"), async (client) => {
      const error = (await client
        .callTool({ name: "slow", arguments: { ms: 30_000 } })
        .catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(
        "upstream call timeout: no response within 500ms (timeout.backendRequestTimeout)",
      );
      expect(error.message).toContain('target "rec"');
      const quick = await client.callTool({ name: "slow", arguments: { ms: 10 } });
      expect(textOf(quick)).toBe("waited 10ms");
    });
  });

  it("delay: each request waits before it is forwarded", async () => {
    await withClient(at("delayed"), async (client) => {
      const started = performance.now();
      const result = await client.callTool({ name: "echo", arguments: { text: "late" } });
      expect(textOf(result)).toBe("late");
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    });
  });

  it("delay counts against requestTimeout: a delay past the deadline ends at it with 504", async () => {
    const started = performance.now();
    const response = await fetch(at("delayed-past-deadline"), {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32001,
        message: "request timeout: no answer within the route's timeout.requestTimeout",
      },
    });
    expect(performance.now() - started).toBeLessThan(4_000);
    const logged = gw.requests().find((event) => event.route === "delayed-past-deadline");
    expect(logged).toMatchObject({
      status: 504,
      error:
        "request timeout: no answer within the route's timeout.requestTimeout: the delay outlasted it",
    });
  });
});

/** A GET stream of a session, held open with node's own client, watched for its end. */
function openStream(url: string, session: string) {
  return new Promise<{ status: number; closed: () => boolean; close: () => void }>(
    (resolve, reject) => {
      const req = request(url, {
        headers: {
          Accept: "text/event-stream",
          "Mcp-Session-Id": session,
          "MCP-Protocol-Version": "2025-06-18",
        },
      });
      req.on("error", reject);
      req.on("response", (res) => {
        let closed = false;
        res.on("close", () => (closed = true));
        res.resume();
        resolve({ status: res.statusCode ?? 0, closed: () => closed, close: () => req.destroy() });
      });
      req.end();
    },
  );
}
