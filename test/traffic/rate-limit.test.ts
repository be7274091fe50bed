import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TargetSpec } from "../../src/main/config/model";
import {
  connect,
  INITIALIZE_REQUEST,
  MCP_POST_HEADERS,
  route,
  startGateway,
  textOf,
  type TestGateway,
} from "../relay/harness";
import { startRecordingTarget, type RecordingTarget } from "./recording-target";

/**
 * localRateLimit on a route in front of a real HTTP MCP target: a bucket of 3 requests, one
 * more every second, shared by every caller of the route.
 */
describe("localRateLimit", () => {
  let target: RecordingTarget;
  let gw: TestGateway;

  beforeAll(async () => {
    target = await startRecordingTarget();
    const targets: TargetSpec[] = [{ kind: "mcp", name: "rec", url: target.url }];
    gw = await startGateway([
      route(
        { targets },
        {
          policies: {
            localRateLimit: [{ maxTokens: 3, tokensPerFill: 1, fillInterval: "1s" }],
          },
        },
      ),
      // A bucket of its own for the SDK client: connecting takes three requests (initialize,
      // initialized, the GET stream), one call more passes, and each fill allows four again.
      route(
        { targets },
        {
          name: "sdk",
          paths: [{ kind: "prefix", value: "/sdk" }],
          policiesPath: ["test", "sdk", "policies"],
          policies: {
            localRateLimit: [{ maxTokens: 4, tokensPerFill: 4, fillInterval: "2s" }],
          },
        },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  const post = () =>
    fetch(gw.url, {
      method: "POST",
      headers: MCP_POST_HEADERS,
      body: JSON.stringify(INITIALIZE_REQUEST),
    });

  /** Sends until the bucket refuses; a bucket of 3 filling at 1/s cannot keep up with this. */
  async function exhaust(send: () => Promise<Response>): Promise<Response> {
    for (let i = 0; i < 50; i++) {
      const response = await send();
      if (response.status === 429) return response;
      await response.body?.cancel();
    }
    throw new Error("50 requests in a row were let through a bucket of 3");
  }

  async function untilAllowed(send: () => Promise<Response>): Promise<Response> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await send();
      if (response.status !== 429) return response;
      await response.body?.cancel();
      if (Date.now() > deadline) throw new Error("the bucket never filled again");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("a request over the limit gets 429 with Retry-After, agentgateway's x-ratelimit-* headers and a JSON-RPC error, logged as a denial", async () => {
    const refused = await exhaust(post);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("3");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-reset")).toBe(String(retryAfter));
    expect(refused.headers.get("content-type")).toBe("application/json");
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32000, message: `rate limit exceeded: retry after ${retryAfter}s` },
    });
    const denial = gw.requests().find((event) => event.status === 429);
    expect(denial).toMatchObject({
      denied: true,
      reason: "rate limit exceeded: localRateLimit allows 3 requests at once, 1 more every 1s",
    });
    // The bucket fills again: the same request passes once a second has gone by.
    const allowed = await untilAllowed(post);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("x-ratelimit-limit")).toBe("3");
    expect(Number(allowed.headers.get("x-ratelimit-remaining"))).toBeGreaterThanOrEqual(0);
  });

  it("the bucket is the route's, shared by every caller; a request that is not a POST gets agentgateway's plain text", async () => {
    await exhaust(post);
    // Another caller, another kind of request: the same bucket refuses it.
    const other = await fetch(gw.url, { headers: { Accept: "text/event-stream" } });
    expect(other.status).toBe(429);
    expect(other.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await other.text()).toBe("rate limit exceeded");
  });

  it("an SDK client over the limit gets an error it can show, and recovers after the fill interval", async () => {
    const client = await connect(gw.url.replace("/mcp", "/sdk/mcp"));
    try {
      let error: Error | undefined;
      for (let i = 0; i < 200 && !error; i++) {
        error = await client.callTool({ name: "echo", arguments: { text: "hi" } }).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      }
      expect((error as Error & { code?: number }).code).toBe(429);
      expect(error?.message).toContain("rate limit exceeded: retry after");
      const deadline = Date.now() + 15_000;
      let result: unknown;
      while (result === undefined && Date.now() < deadline) {
        result = await client
          .callTool({ name: "echo", arguments: { text: "again" } })
          .catch(() => new Promise((resolve) => setTimeout(() => resolve(undefined), 100)));
      }
      expect(textOf(result)).toBe("again");
    } finally {
      await client.close();
    }
  });
});
