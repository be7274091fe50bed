import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../raw-http";
import { connect, route, textOf } from "../relay/harness";
import {
  backendPolicies,
  httpTarget,
  linesOf,
  postInitialize,
  headerRecorders,
  startHeaderRecordingTarget,
  startShapingGateway as start,
  toolNames,
  type HeaderRecordingTarget,
  type ShapingGateway as Running,
} from "./shaping-harness";

// Request and answer shaping in front of MCP: requestHeaderModifier, responseHeaderModifier,
// requestRedirect, urlRewrite and csrf, each shown by what a real MCP target receives and what
// a real client gets back.

describe("requestHeaderModifier", () => {
  const recorders = headerRecorders();
  const recorder = recorders.start;
  let gw: Running | undefined;
  afterEach(async () => {
    await gw?.close();
    await recorders.closeAll();
  });

  it("on a route: the relay's rules see the changed request, and the targets get it", async () => {
    const target = await recorder();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        {
          policies: {
            requestHeaderModifier: {
              set: { "X-Tier": "gold" },
              add: { "x-trace": "gatehouse" },
              remove: ["x-evil"],
            },
            // Tools are listed only if the relay reads the request as the modifier left it.
            mcpAuthorization: {
              rules: [
                'request.headers["x-tier"] == "gold" && request.headers["x-trace"] == "client, gatehouse" && !("x-evil" in request.headers)',
              ],
            },
          },
        },
      ),
    ]);
    const sent = { "x-tier": "bronze", "x-trace": "client", "x-evil": "1" };
    expect(await toolNames(gw.url, sent)).toEqual(["echo"]);
    const posts = target.posts();
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) {
      expect(post.headers["x-tier"]).toBe("gold");
      // The client's own headers are not forwarded to targets: only what the policy added.
      expect(post.headers["x-trace"]).toBe("gatehouse");
      expect(post.headers["x-evil"]).toBeUndefined();
    }
  });

  it("on a backend or a target: only the targets get it, a target's own replacing the backend's", async () => {
    const [a, b] = [await recorder("a"), await recorder("b")];
    gw = await start([
      route(
        {
          targets: [
            httpTarget("a", a),
            httpTarget("b", b, { requestHeaderModifier: { set: { "x-only-b": "1" } } }),
          ],
          policies: backendPolicies({ requestHeaderModifier: { set: { "x-backend": "yes" } } }),
        },
        // The client's request is left as it was: the backend's header is not in it.
        { policies: { mcpAuthorization: { rules: ['!("x-backend" in request.headers)'] } } },
      ),
    ]);
    expect(await toolNames(gw.url)).toEqual(["a_echo", "b_echo"]);
    for (const post of a.posts()) {
      expect(post.headers["x-backend"]).toBe("yes");
      expect(post.headers["x-only-b"]).toBeUndefined();
    }
    for (const post of b.posts()) {
      expect(post.headers["x-only-b"]).toBe("1");
      expect(post.headers["x-backend"]).toBeUndefined();
    }
  });

  it("set Authorization: the target gets that one header, never the client's beside it", async () => {
    const target = await recorder();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        { policies: { requestHeaderModifier: { set: { Authorization: "Bearer target-key" } } } },
      ),
    ]);
    const answer = await postInitialize(gw.url, { Authorization: "Bearer client-token" });
    expect(answer.status).toBe(200);
    const posts = target.posts();
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) {
      expect(linesOf(post, "authorization")).toBe(1);
      expect(post.headers.authorization).toBe("Bearer target-key");
    }
  });
});

describe("responseHeaderModifier", () => {
  let target: HeaderRecordingTarget;
  let gw: Running;
  beforeAll(async () => {
    target = await startHeaderRecordingTarget();
    gw = await start([
      route(
        {
          targets: [httpTarget("a", target)],
          policies: backendPolicies({ responseHeaderModifier: { set: { "x-backend": "b" } } }),
        },
        {
          policies: {
            cors: { allowOrigins: ["http://localhost:5173"] },
            responseHeaderModifier: {
              set: { "x-served-by": "gatehouse" },
              add: { "x-note": "one" },
              // Set by CORS, and by the relay on its event streams.
              remove: ["vary", "cache-control"],
            },
          },
        },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it("changes the relay's answers, headers other policies set included", async () => {
    const answer = await postInitialize(gw.url, { Origin: "http://localhost:5173" });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-served-by"]).toBe("gatehouse");
    expect(answer.headers["x-note"]).toBe("one");
    expect(answer.headers["x-backend"]).toBe("b");
    expect(answer.headers.vary).toBeUndefined();
    expect(answer.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
    expect(answer.headers["mcp-session-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reaches the head of an event stream the relay opens", async () => {
    const init = await postInitialize(gw.url);
    const session = init.headers["mcp-session-id"] as string;
    const abort = new AbortController();
    const stream = await fetch(gw.url, {
      headers: {
        Accept: "text/event-stream",
        "Mcp-Session-Id": session,
        "MCP-Protocol-Version": "2025-06-18",
      },
      signal: abort.signal,
    });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toBe("text/event-stream");
      expect(stream.headers.get("cache-control")).toBeNull();
      expect(stream.headers.get("x-served-by")).toBe("gatehouse");
    } finally {
      abort.abort();
    }
  });
});

describe("requestRedirect", () => {
  let gw: Running;
  beforeAll(async () => {
    const targets = [{ kind: "mcp", name: "unused", url: "http://127.0.0.1:9/mcp" } as const];
    gw = await start([
      // agentgateway's documented example.
      route(
        { targets: [...targets] },
        {
          name: "moved",
          paths: [{ kind: "prefix", value: "/mcp" }],
          policies: {
            requestRedirect: {
              scheme: "https",
              authority: { full: "example.com" },
              path: { full: "/new-path" },
              status: 307,
            },
          },
        },
      ),
      route(
        { targets: [...targets] },
        {
          name: "renamed",
          paths: [{ kind: "prefix", value: "/old" }],
          policies: { requestRedirect: { authority: { port: 8443 }, path: { prefix: "/new" } } },
        },
      ),
    ]);
  });
  afterAll(() => gw?.close());

  it("answers with the configured status and location, keeping the query", async () => {
    const answer = await rawRequest(`${gw.url}?x=1`, { method: "POST", body: "{}" });
    expect(answer.status).toBe(307);
    expect(answer.headers.location).toBe("https://example.com/new-path?x=1");
    expect(answer.body).toBe("");
    expect(gw.requests().at(-1)).toMatchObject({ status: 307, route: "moved" });
    expect(gw.requests().at(-1)?.denied).toBeUndefined();
  });

  it("replaces the prefix the route matched and the port; 302 by default", async () => {
    const answer = await rawRequest(`${gw.origin}/old/mcp?q=a`);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe("http://127.0.0.1:8443/new/mcp?q=a");
  });
});

describe("urlRewrite", () => {
  let target: HeaderRecordingTarget;
  let gw: Running;
  beforeAll(async () => {
    target = await startHeaderRecordingTarget();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        // agentgateway's documented example.
        {
          policies: {
            urlRewrite: { authority: { full: "example.com" }, path: { full: "/new-path" } },
          },
        },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it("sends the HTTP targets the rewritten Host and path", async () => {
    const client = await connect(gw.url);
    const result = await client.callTool({ name: "echo", arguments: {} });
    await client.close();
    expect(textOf(result)).toBe("recorder answered");
    const posts = target.posts();
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) {
      expect(post.headers.host).toBe("example.com");
      expect(post.url).toBe("/new-path");
    }
  });
});

describe("csrf", () => {
  let target: HeaderRecordingTarget;
  let gw: Running;
  beforeAll(async () => {
    target = await startHeaderRecordingTarget();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        {
          policies: {
            // The loopback guard lets these origins past, so that csrf has them to judge.
            cors: { allowOrigins: ["https://trusted.example", "https://other.example", "null"] },
            csrf: { additionalOrigins: ["https://trusted.example"] },
          },
        },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it("refuses a POST from another origin with 403, logged as a denial", async () => {
    const answer = await postInitialize(gw.url, { Origin: "http://localhost:9" });
    expect(answer).toMatchObject({ status: 403, body: "CSRF validation failed" });
    const event = gw.requests().at(-1);
    expect(event).toMatchObject({ status: 403, denied: true });
    expect(event?.reason).toContain("CSRF: origin http://localhost:9");
  });

  it("lets a same-origin POST through", async () => {
    const answer = await postInitialize(gw.url, { Origin: gw.origin });
    expect(answer.status).toBe(200);
    expect(answer.headers["mcp-session-id"]).toBeDefined();
  });

  it("goes by Sec-Fetch-Site where the browser sends it", async () => {
    const crossSite = await postInitialize(gw.url, {
      Origin: "https://other.example",
      "Sec-Fetch-Site": "cross-site",
    });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await postInitialize(gw.url, { "Sec-Fetch-Site": "same-origin" });
    expect(sameOrigin.status).toBe(200);
  });

  it("trusts additionalOrigins; refuses Origin: null, which any page can send", async () => {
    const trusted = await postInitialize(gw.url, {
      Origin: "https://trusted.example",
      "Sec-Fetch-Site": "cross-site",
    });
    expect(trusted.status).toBe(200);
    expect((await postInitialize(gw.url, { Origin: "null" })).status).toBe(403);
  });

  it("leaves safe methods and clients that send no Origin alone", async () => {
    const get = await rawRequest(gw.url, { headers: { Origin: "https://other.example" } });
    expect(get.status).not.toBe(403);
    expect(await toolNames(gw.url)).toEqual(["echo"]);
  });
});
