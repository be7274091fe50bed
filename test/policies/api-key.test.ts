import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RoutePolicies } from "../../src/main/config/schema";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { compiledProblemListOf, loadCompiled, problemListOf } from "../config/expect-problems";
import { serveConfig } from "./serve-config";
import {
  connect,
  fixture,
  MCP_POST_HEADERS,
  postInitialize,
  route,
  startGateway,
  stdioTarget,
  textOf,
  type TestGateway,
} from "../relay/harness";

const ADMIN_KEY = "sk-admin-7f3c9b1e2d";
const READER_KEY = "sk-reader-0a8d4c6f5e";
const HASHED_KEY = "sk-hashed-5b2e9d7a1c";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

let dir: string;
let recordFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-api-key-"));
  recordFile = join(dir, "received.jsonl");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The recording server: it writes down every line it gets, so a test sees what reached it. */
const recorder = () => ({
  ...stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]),
  env: { RECORD_FILE: recordFile },
});

const keys = [
  { key: ADMIN_KEY, metadata: { name: "ada", role: "admin", teams: ["core"] } },
  { key: READER_KEY, metadata: { name: "rex", role: "reader" } },
  { keyHash: `sha256:${sha256(HASHED_KEY).toUpperCase()}`, metadata: { role: "admin" } },
];

function gatewayWith(policies: RoutePolicies): Promise<TestGateway> {
  return startGateway([route({ targets: [recorder()] }, { policies })]);
}

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Every event the gateway logged, as one text: a secret must appear nowhere in it. */
const logText = (gw: TestGateway) => JSON.stringify(gw.events);

describe("apiKey modes, with the key in the Authorization header (the default)", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("strict: no key is 401 'no API Key found', without a challenge, logged as a denial", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const answer = await postInitialize(gw.url);
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("api key authentication failure: no API Key found");
    expect(answer.headers.get("www-authenticate")).toBeNull();
    expect(gw.requests().at(-1)).toMatchObject({
      status: 401,
      denied: true,
      reason: "no API Key found",
    });
  });

  it("strict: a wrong key is 401 'invalid credentials'; the log says why and never holds the key", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const wrong = "sk-admin-7f3c9b1e2X";
    const answer = await postInitialize(gw.url, bearer(wrong));
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("api key authentication failure: invalid credentials");
    const denial = gw.requests().at(-1) as RequestEvent;
    expect(denial).toMatchObject({
      status: 401,
      denied: true,
      reason: "the API key matches no configured key",
    });
    expect(denial.subject).toBeUndefined();
    expect(logText(gw)).not.toContain(wrong);
  });

  it("strict: the right key lets an MCP client in, named by the key's metadata.name", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const client = await connect(gw.url, { headers: bearer(ADMIN_KEY) });
    const result = await client.callTool({ name: "echo", arguments: { message: "hi" } });
    expect(textOf(result)).toContain("hi");
    expect(gw.requests("tools/call").at(-1)).toMatchObject({ subject: "ada", issuer: "apiKey" });
    await client.close();
    expect(logText(gw)).not.toContain(ADMIN_KEY);
    // The key stays at the gateway: the target never sees it.
    expect(await readFile(recordFile, "utf8")).not.toContain(ADMIN_KEY);
  });

  it("a keyHash (sha256:<hex>, any case) accepts its key; a key without a name is named by its place", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const client = await connect(gw.url, { headers: bearer(HASHED_KEY) });
    await client.listTools();
    expect(gw.requests("tools/list").at(-1)).toMatchObject({
      subject: "keys[2]",
      issuer: "apiKey",
    });
    await client.close();
    const refused = await postInitialize(gw.url, bearer(sha256(HASHED_KEY)));
    expect(refused.status).toBe(401);
  });

  it("optional (the default): no key passes as anonymous, a wrong key does not", async () => {
    gw = await gatewayWith({ apiKey: { keys } });
    const anonymous = await postInitialize(gw.url);
    expect(anonymous.status).toBe(200);
    expect(gw.requests().at(-1)?.subject).toBeUndefined();
    expect((await postInitialize(gw.url, bearer("sk-nope"))).status).toBe(401);
    expect((await postInitialize(gw.url, bearer(READER_KEY))).status).toBe(200);
  });

  it("permissive: a wrong key passes, as an anonymous caller", async () => {
    gw = await gatewayWith({ apiKey: { mode: "permissive", keys } });
    const answer = await postInitialize(gw.url, bearer("sk-nope"));
    expect(answer.status).toBe(200);
    expect(gw.requests().at(-1)?.subject).toBeUndefined();
  });

  it("another scheme in the Authorization header is no key at all", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const answer = await postInitialize(gw.url, { Authorization: `Basic ${ADMIN_KEY}` });
    expect(await answer.text()).toBe("api key authentication failure: no API Key found");
    // The prefix is matched without regard to case, as in agentgateway.
    expect((await postInitialize(gw.url, { Authorization: `bearer ${ADMIN_KEY}` })).status).toBe(
      200,
    );
  });

  it("a key over 1024 characters is refused before it is hashed, and the log says so", async () => {
    gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    const huge = `sk-${"x".repeat(1100)}`;
    const answer = await postInitialize(gw.url, bearer(huge));
    expect(answer.status).toBe(401);
    expect(gw.requests().at(-1)?.reason).toBe("the API key is longer than 1024 characters");
    expect(logText(gw)).not.toContain("x".repeat(100));
  });
});

describe("apiKey locations", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("a header without a prefix", async () => {
    gw = await gatewayWith({
      apiKey: { mode: "strict", keys, location: { header: { name: "X-API-Key" } } },
    });
    expect((await postInitialize(gw.url, { "x-api-key": READER_KEY })).status).toBe(200);
    expect((await postInitialize(gw.url, bearer(READER_KEY))).status).toBe(401);
  });

  it("a query parameter", async () => {
    gw = await gatewayWith({
      apiKey: { mode: "strict", keys, location: { queryParameter: { name: "api_key" } } },
    });
    const inQuery = await postInitialize(`${gw.url}?api_key=${encodeURIComponent(READER_KEY)}`);
    expect(inQuery.status).toBe(200);
    expect((await postInitialize(`${gw.url}?other=${READER_KEY}`)).status).toBe(401);
  });

  it("a cookie", async () => {
    gw = await gatewayWith({
      apiKey: { mode: "strict", keys, location: { cookie: { name: "api_key" } } },
    });
    const withCookie = await postInitialize(gw.url, {
      Cookie: `theme=dark; api_key=${READER_KEY}`,
    });
    expect(withCookie.status).toBe(200);
    expect((await postInitialize(gw.url, { Cookie: "theme=dark" })).status).toBe(401);
  });
});

describe("what CEL rules see of an API key", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("mcpAuthorization decides per tool on the key's metadata: lists are filtered, hidden tools are unknown", async () => {
    gw = await gatewayWith({
      apiKey: { mode: "strict", keys },
      mcpAuthorization: {
        rules: [
          'mcp.tool.name == "echo"',
          'apiKey.role == "admin" && "core" in apiKey.teams && mcp.tool.name == "printEnv"',
        ],
      },
    });
    const admin = await connect(gw.url, { headers: bearer(ADMIN_KEY) });
    const reader = await connect(gw.url, { headers: bearer(READER_KEY) });
    const names = async (client: typeof admin) =>
      (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(await names(admin)).toEqual(["echo", "printEnv"]);
    expect(await names(reader)).toEqual(["echo"]);
    expect(textOf(await admin.callTool({ name: "printEnv", arguments: {} }))).toContain("SECRET");
    await expect(reader.callTool({ name: "printEnv", arguments: {} })).rejects.toThrow(
      /Unknown tool: printEnv/,
    );
    expect(gw.requests("tools/call").at(-1)).toMatchObject({ subject: "rex", denied: true });
    await Promise.all([admin.close(), reader.close()]);
  });

  it("route authorization sees apiKey (null without a key) and never the key itself, in a header or as apiKey.key", async () => {
    gw = await gatewayWith({
      apiKey: { keys, location: { header: { name: "x-api-key" } } },
      authorization: {
        rules: [
          'apiKey != null && apiKey.key == "<redacted>" && !("x-api-key" in request.headers)',
          'apiKey == null && request.headers["x-team"] == "blue"',
        ],
      },
    });
    expect((await postInitialize(gw.url, { "x-api-key": READER_KEY })).status).toBe(200);
    expect((await postInitialize(gw.url, { "x-team": "blue" })).status).toBe(200);
    const refused = await postInitialize(gw.url, { "x-team": "red" });
    expect(refused.status).toBe(403);
  });

  it("a cookie that carried the key is taken out of request.headers.cookie; the others stay", async () => {
    gw = await gatewayWith({
      apiKey: { mode: "strict", keys, location: { cookie: { name: "api_key" } } },
      authorization: { rules: ['request.headers.cookie == "theme=dark; lang=en"'] },
    });
    const answer = await postInitialize(gw.url, {
      Cookie: `theme=dark; api_key=${READER_KEY}; lang=en`,
    });
    expect(answer.status).toBe(200);
  });
});

describe("apiKey where agentgateway allows it: gateway, listener, route", () => {
  it("on the gateway, it runs before the route is chosen, and the route's rules see the key", async () => {
    const bus = new LogBus();
    const events: GatewayEvent[] = [];
    bus.subscribe((event) => events.push(event));
    const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
    await gateway.apply({
      listeners: [
        {
          name: "test",
          address: "127.0.0.1",
          port: 0,
          policies: [
            {
              attachment: "gateway",
              path: ["gateways", "default", "policies"],
              policies: { apiKey: { mode: "strict", keys } },
            },
          ],
          routes: [
            route(
              { targets: [recorder()] },
              { policies: { authorization: { rules: ['apiKey.role == "admin"'] } } },
            ),
          ],
        },
      ],
      sessionIdleMs: 60_000,
    });
    try {
      const url = `${gateway.urls[0]}/mcp`;
      expect((await postInitialize(url)).status).toBe(401);
      expect((await postInitialize(url, bearer(READER_KEY))).status).toBe(403);
      expect((await postInitialize(url, bearer(ADMIN_KEY))).status).toBe(200);
      const refusals = events.filter((e): e is RequestEvent => e.kind === "request" && !!e.denied);
      expect(refusals.map((e) => [e.status, e.subject])).toEqual([
        [401, undefined],
        [403, "rex"],
      ]);
    } finally {
      await gateway.close();
    }
  });

  it("a session belongs to its key: another key gets 404 for it", async () => {
    const gw = await gatewayWith({ apiKey: { mode: "strict", keys } });
    try {
      const opened = await postInitialize(gw.url, bearer(ADMIN_KEY));
      const session = opened.headers.get("mcp-session-id") as string;
      const list = (key: string) =>
        fetch(gw.url, {
          method: "POST",
          headers: { ...MCP_POST_HEADERS, ...bearer(key), "Mcp-Session-Id": session },
          body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
        });
      expect((await list(READER_KEY)).status).toBe(404);
      expect((await list(ADMIN_KEY)).status).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe("apiKey in the config", () => {
  const load = (yaml: string) => loadCompiled(yaml, dir);
  const compileProblems = async (yaml: string) =>
    (await compiledProblemListOf(yaml, dir)).map((p) => `${p.path}: ${p.message}`);
  const withPolicy = (apiKey: string) => `mcp:
  policies:
    apiKey:
${apiKey}
  targets:
    - name: rec
      stdio: { cmd: node }
`;

  const DOC_POLICY = `    apiKey:
      mode: strict
      keys:
      - key: sk-testkey-1
        metadata:
          user: test
          role: admin
`;

  it("agentgateway's documented MCP example loads, and behaves as documented", async () => {
    // From the standalone docs, "API Key authentication", tab "Simplified (MCP)".
    const loaded =
      await load(`# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
${DOC_POLICY}  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`);
    const served = await serveConfig(loaded.gateway, [recorder()]);
    try {
      expect((await postInitialize(served.url)).status).toBe(401);
      const client = await connect(served.url, { headers: bearer("sk-testkey-1") });
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
      expect(served.requests().at(-1)).toMatchObject({ subject: "keys[0]", issuer: "apiKey" });
    } finally {
      await served.close();
    }
  });

  it("the documented routing-based example: on a gateway, in front of every route", async () => {
    // The docs' tab "Routing-based" forwards to a plain HTTP backend, which Gatehouse refuses
    // by name; with an MCP backend, the gateway's apiKey guards the route, whose rules see it.
    const routingBased = (backend: string) => `gateways:
  default:
    port: 3000
${DOC_POLICY}routes:
- policies:
    mcpAuthorization:
      rules: ['apiKey.user == "test" && mcp.tool.name == "echo"']
  backends:
${backend}`;
    expect(problemListOf(routingBased("  - host: localhost:8080\n")).map((p) => p.path)).toEqual([
      "routes[0].backends[0].host",
    ]);
    const loaded = await load(
      routingBased("  - mcp:\n      targets:\n      - name: rec\n        stdio: { cmd: node }\n"),
    );
    const served = await serveConfig(loaded.gateway, [recorder()]);
    try {
      expect((await postInitialize(served.url, bearer("sk-wrong"))).status).toBe(401);
      const client = await connect(served.url, { headers: bearer("sk-testkey-1") });
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["echo"]);
      await client.close();
    } finally {
      await served.close();
    }
  });

  it("a keyHash other than sha256:<64 hex> is refused at its key", () => {
    const problems = problemListOf(
      withPolicy(`      keys:
        - keyHash: argon2id:v=19:m=65536,t=3,p=4:c2FsdA:aGFzaA
        - keyHash: sha256:abc`),
    );
    expect(problems.map((p) => `${p.line} ${p.path}`)).toEqual([
      "5 mcp.policies.apiKey.keys[0].keyHash",
      "6 mcp.policies.apiKey.keys[1].keyHash",
    ]);
    expect(problems[0]?.message).toMatch(/keyHash must be "sha256:" and the 64 hex digits/);
  });

  it("each key has key or keyHash, metadata is a map, and allowedModels (LLM only) is refused by name", () => {
    const problems = problemListOf(
      withPolicy(`      keys:
        - metadata: { name: nobody }
        - key: a
          keyHash: sha256:${sha256("a")}
        - key: b
          metadata: admin
        - key: c
          allowedModels: ["gpt-4o"]`),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'mcp.policies.apiKey.keys[0]: each key has either "key" or "keyHash", not both and not neither',
      'mcp.policies.apiKey.keys[1]: each key has either "key" or "keyHash", not both and not neither',
      "mcp.policies.apiKey.keys[2].metadata: metadata is a map, whose values rules read as apiKey.<name>",
      'mcp.policies.apiKey.keys[3].allowedModels: unknown key "allowedModels" (allowed here: key, keyHash, metadata)',
    ]);
  });

  it("a mode agentgateway lacks is refused, and so is a CEL expression location, saying why", () => {
    const problems = problemListOf(
      withPolicy(`      mode: lenient
      location:
        expression: request.headers["x-key"]
      keys: []`),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'mcp.policies.apiKey.mode: must be one of "strict", "optional", "permissive"',
      "mcp.policies.apiKey.location.expression: Gatehouse does not read credentials with a CEL expression: write header, queryParameter or cookie",
    ]);
  });

  it("the same key twice (plain, or as its hash) is refused at load", async () => {
    expect(
      await compileProblems(
        withPolicy(`      keys:
        - key: sk-one
        - keyHash: sha256:${sha256("sk-one")}`),
      ),
    ).toEqual(["mcp.policies.apiKey.keys[1]: this is the same key as keys[0]"]);
  });
});
