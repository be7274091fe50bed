import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernTransport,
} from "@modelcontextprotocol/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RoutePolicies } from "../../src/main/config/schema";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import {
  connect,
  everythingStdio,
  fixture,
  MCP_POST_HEADERS,
  postInitialize,
  route,
  startGateway,
  stdioTarget,
  waitFor,
  type TestGateway,
} from "./harness";

const MODERN = "2026-07-28";
const META_VERSION = "io.modelcontextprotocol/protocolVersion";
const META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";

let idp: TestIssuer;
let alice: string;
let bob: string;

beforeAll(async () => {
  idp = await testIssuer();
  alice = await idp.sign({ sub: "alice", roles: ["reader", "writer"] });
  bob = await idp.sign({ sub: "bob", roles: ["reader"] });
});

/**
 * echo for everyone, get-sum (server-everything) for writers, trigger-elicitation-request
 * (server-everything) and sign (the 2026-only fixture) for alice.
 */
const guarded = (): RoutePolicies => ({
  jwtAuth: { issuer: idp.issuer, jwks: JSON.stringify(idp.jwks), mode: "strict" },
  mcpAuthorization: {
    rules: [
      'mcp.tool.name == "echo"',
      '"writer" in jwt.roles && mcp.tool.name == "get-sum"',
      'jwt.sub == "alice" && mcp.tool.name in ["trigger-elicitation-request", "sign"]',
    ],
  },
});

/** A server that speaks 2026-07-28 only (SDK v2): the gateway must speak it to reach it. */
const modernStdio = () => stdioTarget("modern", process.execPath, [fixture("modern-server.mjs")]);

/**
 * The two eras of target, each with a tool bob may not call, its echo's own arguments, and a
 * tool that asks the caller for input: a 2025 target sends elicitation requests, which the
 * gateway turns into input rounds; a 2026 target answers input_required itself (two rounds).
 */
const TARGETS = [
  {
    era: "a 2025 stdio server (server-everything)",
    target: everythingStdio,
    forbidden: "get-sum",
    echo: { arguments: { message: "hi" }, text: "Echo: hi" },
    asking: { name: "trigger-elicitation-request", arguments: {}, answer: /Name: Ada/ },
  },
  {
    era: "a 2026-only stdio server",
    target: modernStdio,
    forbidden: "sign",
    echo: { arguments: { text: "hi" }, text: "hi" },
    asking: { name: "sign", arguments: { rounds: 2 }, answer: /signed by Ada, Grace/ },
  },
];

describe.each(TARGETS)(
  "a client pinned to 2026-07-28, in front of $era, with jwtAuth and mcpAuthorization",
  ({ target, forbidden, echo, asking }) => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startGateway([route({ targets: [target()] }, { policies: guarded() })]);
    });
    afterAll(() => gw.close());

    it("sees the filtered list and the refusal exactly as a 2025 client does", async () => {
      const legacy = await connect(gw.url, { headers: { Authorization: `Bearer ${bob}` } });
      const modern = await modernClient(gw.url, bob);
      try {
        const modernTools = (await modern.listTools()).tools.map((tool) => tool.name);
        expect(modernTools).toEqual(["echo"]);
        expect((await legacy.listTools()).tools.map((tool) => tool.name)).toEqual(modernTools);

        const call = { name: forbidden, arguments: {} };
        const refused = new RegExp(`Unknown tool: ${forbidden}`);
        await expect(modern.callTool(call)).rejects.toThrow(refused);
        await expect(legacy.callTool(call)).rejects.toThrow(refused);
        const denied = gw.requests("tools/call").filter((e) => e.denied && e.subject === "bob");
        expect(denied).toHaveLength(2); // one for each client, logged alike

        const echoed = await modern.callTool({ name: "echo", arguments: echo.arguments });
        expect(echoed.content).toEqual([{ type: "text", text: echo.text }]);
      } finally {
        await Promise.all([legacy.close(), modern.close()]);
      }
    });

    it("completes a call whose target asks the caller for input, through input_required", async () => {
      const modern = await modernClient(gw.url, alice, { elicitation: {} });
      const signers = ["Ada", "Grace"];
      modern.setRequestHandler("elicitation/create", async () => ({
        action: "accept",
        content: { name: signers.shift() as string },
      }));
      try {
        const result = await modern.callTool({ name: asking.name, arguments: asking.arguments });
        expect(JSON.stringify(result.content)).toMatch(asking.answer);
      } finally {
        await modern.close();
      }
    });
  },
);

/** A client of the SDK v2 pinned to 2026-07-28: no initialize, no session, `_meta` on each request. */
async function modernClient(
  url: string,
  bearer?: string,
  capabilities: Record<string, unknown> = {},
): Promise<ModernClient> {
  const client = new ModernClient(
    { name: "stateless-test", version: "1" },
    { capabilities, versionNegotiation: { mode: { pin: MODERN } } },
  );
  const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  await client.connect(new ModernTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

interface StatelessRequest {
  id: number | string;
  method: string;
  params?: Record<string, unknown>;
}

/** A 2026-07-28 request written by hand: `_meta` envelope and mirrored headers, as the spec has them. */
function statelessPost(
  url: string,
  request: StatelessRequest,
  options: {
    headers?: Record<string, string>;
    meta?: Record<string, unknown>;
    bearer?: string;
    capabilities?: Record<string, unknown>;
    signal?: AbortSignal;
  } = {},
): Promise<Response> {
  const meta = {
    [META_VERSION]: MODERN,
    [META_CAPABILITIES]: options.capabilities ?? {},
    ...options.meta,
  };
  const params: Record<string, unknown> = { ...request.params, _meta: meta };
  const name = params.name ?? params.uri;
  const headers: Record<string, string> = {
    ...MCP_POST_HEADERS,
    "MCP-Protocol-Version": MODERN,
    "Mcp-Method": request.method,
    ...(typeof name === "string" && { "Mcp-Name": name }),
    ...(options.bearer && { Authorization: `Bearer ${options.bearer}` }),
    ...options.headers,
  };
  return fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", ...request, params }),
    signal: options.signal,
  });
}

interface RpcAnswer {
  id?: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

/** The response to the request in an answer, JSON or an SSE stream. */
async function answerOf(response: Response): Promise<RpcAnswer> {
  const text = await response.text();
  if (!response.headers.get("content-type")?.includes("text/event-stream")) {
    return JSON.parse(text) as RpcAnswer;
  }
  const messages = text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as RpcAnswer & { method?: string });
  return messages.find((message) => message.method === undefined) as RpcAnswer;
}

describe("a client pinned to 2026-07-28, in front of a 2025 stdio server", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] }, { policies: guarded() })]);
  });
  afterAll(() => gw.close());

  it("lets a writer call what its token allows", async () => {
    const modern = await modernClient(gw.url, alice);
    try {
      // The target offers its elicitation tool only to a client that declared elicitation.
      expect((await modern.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        "echo",
        "get-sum",
      ]);
      const sum = await modern.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });
      expect(JSON.stringify(sum.content)).toContain("5");
    } finally {
      await modern.close();
    }
  });

  it("holds one session per caller, reused across requests: no process per request", async () => {
    const before = gw.gateway.stateless.pool.pids().length;
    for (let i = 0; i < 10; i++) {
      const answer = await answerOf(
        await statelessPost(
          gw.url,
          { id: i, method: "tools/call", params: { name: "echo", arguments: { message: `${i}` } } },
          { bearer: bob },
        ),
      );
      expect(answer.result?.content).toEqual([{ type: "text", text: `Echo: ${i}` }]);
    }
    expect(gw.gateway.stateless.pool.pids().length - before).toBeLessThanOrEqual(1);
  });
});

describe("a 2025 target's request to the client, as an input round", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] }, { policies: guarded() })]);
  });
  afterAll(() => gw.close());

  const elicit = { name: "trigger-elicitation-request", arguments: {} };
  const withElicitation = () => ({ bearer: alice, capabilities: { elicitation: {} } });

  async function firstRound(id: number): Promise<Record<string, unknown>> {
    const response = await statelessPost(
      gw.url,
      { id, method: "tools/call", params: elicit },
      withElicitation(),
    );
    const answer = await answerOf(response);
    expect(answer).toMatchObject({ id });
    return answer.result as Record<string, unknown>;
  }

  it("returns input_required with the target's request and a signed requestState", async () => {
    const round = await firstRound(1);
    expect(round.resultType).toBe("input_required");
    const requests = Object.values(round.inputRequests as Record<string, { method: string }>);
    expect(requests.map((request) => request.method)).toEqual(["elicitation/create"]);
    expect(round.requestState).toMatch(/^gatehouse\.v1\./);

    const [key] = Object.keys(round.inputRequests as object);
    const retry = await statelessPost(
      gw.url,
      {
        id: 2,
        method: "tools/call",
        params: {
          ...elicit,
          inputResponses: { [key as string]: { action: "accept", content: { name: "Ada" } } },
          requestState: round.requestState,
        },
      },
      withElicitation(),
    );
    const answer = await answerOf(retry);
    expect(answer.id).toBe(2);
    expect(answer.result?.resultType).toBe("complete");
    expect(JSON.stringify(answer.result?.content)).toContain("Name: Ada");
  });

  it("refuses a requestState that was altered, or presented by another caller, or for another call", async () => {
    const round = await firstRound(3);
    const state = round.requestState as string;
    const retry = (params: Record<string, unknown>, bearer = alice) =>
      statelessPost(
        gw.url,
        { id: 4, method: "tools/call", params: { ...elicit, inputResponses: {}, ...params } },
        { ...withElicitation(), bearer },
      );

    const altered = await retry({ requestState: `${state.slice(0, -2)}xx` });
    expect(altered.status).toBe(400);
    expect((await answerOf(altered)).error?.message).toMatch(/altered/);

    const stolen = await retry({ requestState: state }, bob);
    expect(stolen.status).toBe(400);
    expect((await answerOf(stolen)).error?.message).toMatch(/another caller/);

    const elsewhere = await retry({ name: "echo", requestState: state });
    expect(elsewhere.status).toBe(400);
    expect((await answerOf(elsewhere)).error?.message).toMatch(/another request/);
  });

  it("does not ask a caller that did not declare the capability", async () => {
    const response = await statelessPost(
      gw.url,
      { id: 5, method: "tools/call", params: elicit },
      { bearer: alice },
    );
    const answer = await answerOf(response);
    expect(answer.result?.resultType).toBe("complete");
    expect(answer.result?.inputRequests).toBeUndefined();
  });
});

describe("the 2026-07-28 envelope and headers", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
  });
  afterAll(() => gw.close());

  const call = {
    id: 7,
    method: "tools/call",
    params: { name: "echo", arguments: { message: "x" } },
  };

  it("refuses an Mcp-Name that does not match the body, before anything is relayed", async () => {
    const response = await statelessPost(gw.url, call, { headers: { "Mcp-Name": "get-env" } });
    expect(response.status).toBe(400);
    expect(await answerOf(response)).toMatchObject({
      id: 7,
      error: {
        code: -32020,
        message: "Header mismatch: the Mcp-Name header does not match the body",
      },
    });
    expect(gw.requests("tools/call").filter((event) => event.target)).toEqual([]);
  });

  it("reads an Mcp-Name sent in the base64 sentinel form", async () => {
    const encoded = `=?base64?${Buffer.from("echo").toString("base64")}?=`;
    const response = await statelessPost(gw.url, call, { headers: { "Mcp-Name": encoded } });
    expect(response.status).toBe(200);
  });

  it("refuses a request whose Mcp-Method or protocol version header is missing or differs", async () => {
    const noMethod = await statelessPost(gw.url, call, { headers: { "Mcp-Method": "" } });
    expect((await answerOf(noMethod)).error?.code).toBe(-32020);
    const otherVersion = await statelessPost(gw.url, call, {
      headers: { "MCP-Protocol-Version": "2025-11-25" },
    });
    expect(otherVersion.status).toBe(400);
    expect((await answerOf(otherVersion)).error?.code).toBe(-32020);
  });

  it("names the versions it serves when asked for one it does not", async () => {
    const response = await statelessPost(gw.url, call, {
      meta: { [META_VERSION]: "2099-01-01" },
      headers: { "MCP-Protocol-Version": "2099-01-01" },
    });
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error).toEqual({
      code: -32022,
      message: "Unsupported protocol version",
      data: {
        supported: [MODERN, "2025-11-25", "2025-06-18", "2025-03-26"],
        requested: "2099-01-01",
      },
    });
  });

  it("opens a session for an initialize that names an older revision in its header", async () => {
    // The MCP Inspector as agentgateway's guides run it: --header "mcp-protocol-version: 2024-11-05".
    const response = await postInitialize(gw.url, { "MCP-Protocol-Version": "2024-11-05" });
    expect(response.status).toBe(200);
    expect(response.headers.get("mcp-session-id")).toBeTruthy();
  });

  it("refuses a request without client capabilities with -32602", async () => {
    const response = await statelessPost(gw.url, call, {
      meta: { [META_CAPABILITIES]: undefined },
    });
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error?.code).toBe(-32602);
  });

  it("answers 404 with -32601 to a method 2026-07-28 no longer has", async () => {
    const response = await statelessPost(gw.url, { id: 8, method: "ping" });
    expect(response.status).toBe(404);
    expect((await answerOf(response)).error?.code).toBe(-32601);
  });

  it("checks Mcp-Name against the body in a 2025 session too", async () => {
    const init = await postInitialize(gw.url);
    const session = init.headers.get("mcp-session-id") as string;
    const response = await fetch(gw.url, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, "Mcp-Session-Id": session, "Mcp-Name": "echo" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "get-env" },
      }),
    });
    expect(response.status).toBe(400);
    expect((await answerOf(response)).error?.code).toBe(-32020);
  });

  it("discovers the revisions served and the targets' capabilities", async () => {
    const answer = await answerOf(
      await statelessPost(gw.url, { id: 9, method: "server/discover" }),
    );
    expect(answer.result).toMatchObject({
      resultType: "complete",
      supportedVersions: [MODERN, "2025-11-25", "2025-06-18", "2025-03-26"],
      capabilities: { tools: {}, prompts: {}, resources: {} },
      cacheScope: "public",
    });
    expect(answer.result?.capabilities).not.toHaveProperty("tasks");
  });

  it("types every result and gives lists caching hints", async () => {
    const list = await answerOf(await statelessPost(gw.url, { id: 10, method: "tools/list" }));
    expect(list.result).toMatchObject({ resultType: "complete", ttlMs: 0, cacheScope: "public" });
    const echoed = await answerOf(await statelessPost(gw.url, call));
    expect(echoed.result?.resultType).toBe("complete");
    expect(echoed.result).not.toHaveProperty("ttlMs");
  });
});

describe("caching hints of a route that decides per caller", () => {
  let gw: TestGateway | undefined;
  afterEach(() => gw?.close());

  it("marks the filtered list private", async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] }, { policies: guarded() })]);
    const list = await answerOf(
      await statelessPost(gw.url, { id: 1, method: "tools/list" }, { bearer: bob }),
    );
    expect(list.result).toMatchObject({ cacheScope: "private", ttlMs: 0 });
  });
});

describe("subscriptions/listen", () => {
  let gw: TestGateway | undefined;
  afterEach(() => gw?.close());

  it("acknowledges what it will send and carries the targets' list changes, tagged", async () => {
    const learner = stdioTarget("learner", process.execPath, [fixture("recording-server.mjs")]);
    gw = await startGateway([route({ targets: [learner] })]);
    const listening = new AbortController();
    const stream = await statelessPost(
      gw.url,
      {
        id: "watch",
        method: "subscriptions/listen",
        params: { notifications: { toolsListChanged: true, promptsListChanged: true } },
      },
      { signal: listening.signal },
    ).then((response) => {
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      return response.body as ReadableStream<Uint8Array>;
    });
    const received: { method: string; params: Record<string, unknown> }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = "";
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk);
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines)
          if (line.startsWith("data: ")) received.push(JSON.parse(line.slice(6)));
      }
    })().catch(() => undefined);

    await waitFor("the acknowledgement", () => received.length >= 1);
    expect(received[0]).toEqual({
      jsonrpc: "2.0",
      method: "notifications/subscriptions/acknowledged",
      params: {
        notifications: { toolsListChanged: true },
        _meta: { "io.modelcontextprotocol/subscriptionId": "watch" },
      },
    });

    const learned = await statelessPost(gw.url, {
      id: 2,
      method: "tools/call",
      params: { name: "learn", arguments: { name: "fresh" } },
    });
    expect(learned.status).toBe(200);
    await waitFor("the list change", () => received.length >= 2);
    expect(received[1]).toMatchObject({
      method: "notifications/tools/list_changed",
      params: { _meta: { "io.modelcontextprotocol/subscriptionId": "watch" } },
    });
    listening.abort();
    await reading;
  });
});

describe("a reload that changes the targets", () => {
  let gw: TestGateway | undefined;
  afterEach(() => gw?.close());

  const recording = (tools: string) => ({
    ...stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]),
    env: { TOOLS: tools },
  });
  const toolNames = async (url: string) => {
    const answer = await answerOf(await statelessPost(url, { id: 1, method: "tools/list" }));
    return (answer.result?.tools as { name: string }[]).map((tool) => tool.name);
  };

  it("retires the bridge sessions: the next call meets the new targets", async () => {
    gw = await startGateway([route({ targets: [recording("echo")] })]);
    expect(await toolNames(gw.url)).toEqual(["echo"]);
    const before = gw.gateway.stateless.pool.pids();
    expect(before).toHaveLength(1);

    await gw.gateway.apply({
      listeners: [
        {
          name: "test",
          address: "127.0.0.1",
          port: 0,
          routes: [route({ targets: [recording("echo,learn")] })],
        },
      ],
      sessionIdleMs: 60_000,
    });
    expect(await toolNames(gw.url)).toEqual(["echo", "learn"]);
    await waitFor("the old target to stop", () =>
      before.every((pid) => !gw?.gateway.stateless.pool.pids().includes(pid)),
    );
  });
});
