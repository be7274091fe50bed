/**
 * mcpGuardrails against a real ExtMCP server: grpc-js, with ext_mcp.proto loaded by
 * @grpc/proto-loader as any Node server would load it. The server does what agentgateway's
 * guide has its sample server do (refuse tools/call of a tool whose name has "forbidden" in it,
 * append " [extmcp]" to every tool description of a tools/list answer), adds a field to the
 * arguments of the calls it lets through, and refuses a result that gives a secret away.
 * Recording stdio servers show what reached them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Server as GrpcServer,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import type { RoutePolicies } from "../../src/main/config/schema";
import { problemsOf } from "../config/expect-problems";
import {
  connect,
  fixture,
  freePort,
  route,
  startGateway,
  stdioTarget,
  textOf,
  waitFor,
  type TestGateway,
} from "./harness";

const PROTO = fileURLToPath(
  new URL("../../src/main/gateway/policies/mcp-guardrails/ext_mcp.proto", import.meta.url),
);

/** An McpRequest or McpResponse as proto-loader decodes it (keepCase: the proto's names). */
interface Received {
  rpc: "CheckRequest" | "CheckResponse";
  service_names: string[];
  method: string;
  metadata_context?: { fields: Record<string, { stringValue?: string }> };
  mcp_request?: Buffer;
  mcp_response?: Buffer;
  headers?: { key: string; value: Buffer }[];
}

interface ExtMcpServer {
  address: string;
  received: Received[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

/** The guide's sample ExtMCP server, and a change to the arguments of the calls it allows. */
async function startExtMcpServer(): Promise<ExtMcpServer> {
  const definition = loadSync(PROTO, { keepCase: true, enums: String, oneofs: true });
  const service = definition["agentgateway.dev.ext_mcp.ExtMcp"] as Parameters<
    GrpcServer["addService"]
  >[0];
  const received: Received[] = [];
  const json = (bytes: Buffer | undefined) => JSON.parse(bytes?.toString() ?? "{}") as Json;
  const implementation: UntypedServiceImplementation = {
    CheckRequest(call: ServerUnaryCall<Received, unknown>, answer: sendUnaryData<unknown>) {
      received.push({ ...call.request, rpc: "CheckRequest" });
      if (call.request.method !== "tools/call" || !call.request.mcp_request) {
        return answer(null, { pass: {} });
      }
      const params = json(call.request.mcp_request);
      const name = String(params.name);
      if (name.includes("forbidden")) {
        return answer(null, {
          error: { code: "PERMISSION_DENIED", reason: `tool ${name} is not allowed` },
        });
      }
      const args = { ...(params.arguments as Json), checkedBy: "extmcp" };
      answer(null, { mutated: Buffer.from(JSON.stringify({ ...params, arguments: args })) });
    },
    CheckResponse(call: ServerUnaryCall<Received, unknown>, answer: sendUnaryData<unknown>) {
      received.push({ ...call.request, rpc: "CheckResponse" });
      if (call.request.mcp_response?.includes("hunter2")) {
        const error = { redacted: "SECRET" };
        return answer(null, {
          error: {
            code: "INVALID",
            reason: "the result gives a secret away",
            mcp_error: Buffer.from(JSON.stringify(error)),
          },
        });
      }
      if (call.request.method !== "tools/list") return answer(null, { pass: {} });
      const result = json(call.request.mcp_response);
      for (const tool of result.tools as Json[]) tool.description = `${tool.description} [extmcp]`;
      answer(null, { mutated: Buffer.from(JSON.stringify(result)) });
    },
  };
  const server = new GrpcServer();
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

const dir = mkdtempSync(join(tmpdir(), "gatehouse-guardrails-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A recording stdio server offering `tools`, and the lines it received. */
function recordingTarget(name: string, tools: string) {
  const recordFile = join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
  const target = stdioTarget(name, process.execPath, [fixture("recording-server.mjs")]);
  target.env = { RECORD_FILE: recordFile, TOOLS: tools };
  const calls = (): Json[] => {
    if (!existsSync(recordFile)) return []; // nothing received yet
    const lines = readFileSync(recordFile, "utf8").split("\n").filter(Boolean);
    return lines.map((line) => JSON.parse(line) as Json).filter((m) => m.method === "tools/call");
  };
  return { target, calls };
}

/** How the SDK client sees a JSON-RPC error: its code and message. */
async function errorOf(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: number; message: string };
  }
  throw new Error("expected the call to fail");
}

describe("mcpGuardrails with a running ExtMCP server", () => {
  let extMcp: ExtMcpServer;
  let gw: TestGateway;
  let client: Client;
  const alpha = recordingTarget("alpha", "echo,forbidden_delete,printEnv");
  const beta = recordingTarget("beta", "echo");

  beforeAll(async () => {
    extMcp = await startExtMcpServer();
    const policies: RoutePolicies = {
      mcpGuardrails: {
        processors: [
          {
            kind: "remote",
            host: extMcp.address,
            failureMode: "failClosed",
            methods: { "tools/call": "full", "tools/list": "response" },
            metadata: { tenant: 'request.headers["x-tenant"]' },
            requestHeaders: { allowed: ["x-tenant", ":method"] },
          },
        ],
      },
    };
    gw = await startGateway([route({ targets: [alpha.target, beta.target] }, { policies })]);
    client = await connect(gw.url, { headers: { "X-Tenant": "acme" } });
  });

  afterAll(async () => {
    await client?.close();
    await gw?.close();
    await extMcp?.close();
  });

  it("annotates every tool of tools/list, asked once about the merged list of both targets", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "alpha_echo",
      "alpha_forbidden_delete",
      "alpha_printEnv",
      "beta_echo",
    ]);
    for (const tool of tools) expect(tool.description).toMatch(/ \[extmcp\]$/);
    const asked = extMcp.received.filter((r) => r.method === "tools/list");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ rpc: "CheckResponse", service_names: ["alpha", "beta"] });
  });

  it("refuses a forbidden tool with the server's JSON-RPC error, logged as a denial with the reason", async () => {
    const error = await errorOf(client.callTool({ name: "alpha_forbidden_delete", arguments: {} }));
    expect(error.code).toBe(-32001);
    expect(error.message).toContain("tool forbidden_delete is not allowed");
    // The server saw the tool's own name and its target, not the name the client sees.
    const asked = extMcp.received.findLast((r) => r.rpc === "CheckRequest");
    expect(asked?.service_names).toEqual(["alpha"]);
    expect(JSON.parse(asked?.mcp_request?.toString() ?? "")).toEqual({
      name: "forbidden_delete",
      arguments: {},
    });
    expect(alpha.calls()).toEqual([]);
    await waitFor("the denial's log event", () => gw.requests("tools/call").length > 0);
    expect(gw.requests("tools/call").at(-1)).toMatchObject({
      status: 200,
      denied: true,
      target: "alpha",
      name: "forbidden_delete",
      error: "tool forbidden_delete is not allowed",
      reason: expect.stringContaining(
        "refused tools/call: tool forbidden_delete is not allowed",
      ) as string,
    });
  });

  it("sends a call on with the params the server changed", async () => {
    const result = await client.callTool({ name: "beta_echo", arguments: { message: "hello" } });
    // The recording server answers with the arguments it received.
    expect(JSON.parse(textOf(result))).toEqual({ message: "hello", checkedBy: "extmcp" });
    expect(beta.calls().at(-1)?.params).toMatchObject({
      name: "echo",
      arguments: { message: "hello", checkedBy: "extmcp" },
    });
    await waitFor("the call's log event", () =>
      gw.requests("tools/call").some((event) => event.target === "beta"),
    );
    const logged = gw.requests("tools/call").at(-1);
    expect(logged?.reason).toBe("mcpGuardrails changed the params");
    expect(logged?.denied).toBeUndefined();
  });

  it("refuses a result after the target answered, with the server's code and error data", async () => {
    const error = await errorOf(client.callTool({ name: "alpha_printEnv", arguments: {} }));
    expect(error.code).toBe(-32600);
    expect(error.message).toContain("the result gives a secret away");
    expect((error as { data?: unknown }).data).toEqual({ redacted: "SECRET" });
    expect(alpha.calls().at(-1)?.params).toMatchObject({ name: "printEnv" });
    await waitFor("the denial's log event", () =>
      gw.requests("tools/call").some((event) => event.name === "printEnv"),
    );
    expect(gw.requests("tools/call").at(-1)).toMatchObject({
      denied: true,
      reason: expect.stringContaining(
        "refused tools/call: the result gives a secret away",
      ) as string,
    });
  });

  it("sends the metadata the config asks for and only the headers it allows", async () => {
    await client.callTool({ name: "beta_echo", arguments: {} });
    const asked = extMcp.received.findLast((r) => r.rpc === "CheckRequest");
    expect(asked?.metadata_context?.fields.tenant?.stringValue).toBe("acme");
    const headers = asked?.headers?.map(({ key, value }) => `${key}: ${value.toString()}`);
    expect(headers).toEqual([":method: POST", "x-tenant: acme"]);
  });
});

describe("mcpGuardrails when the ExtMCP server cannot be reached", () => {
  let gw: TestGateway | undefined;
  let client: Client | undefined;

  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  async function callWith(failureMode: "failClosed" | "failOpen") {
    const nobody = `127.0.0.1:${await freePort()}`;
    const recording = recordingTarget(`down-${failureMode}`, "echo");
    gw = await startGateway([
      route(
        { targets: [recording.target] },
        {
          policies: {
            mcpGuardrails: {
              processors: [
                { kind: "remote", host: nobody, failureMode, methods: { "tools/*": "full" } },
              ],
            },
          },
        },
      ),
    ]);
    client = await connect(gw.url);
    const call = client.callTool({ name: "echo", arguments: { message: "hi" } });
    return { call, recording, gw };
  }

  it("failClosed refuses the call with agentgateway's internal error, and logs why", async () => {
    const { call, recording, gw } = await callWith("failClosed");
    const error = await errorOf(call);
    expect(error.code).toBe(-32603);
    expect(error.message).toContain("mcpGuardrails checkRequest failed:");
    expect(recording.calls()).toEqual([]);
    await waitFor("the refusal's log event", () => gw.requests("tools/call").length > 0);
    expect(gw.requests("tools/call").at(-1)).toMatchObject({
      denied: true,
      reason: expect.stringMatching(/could not be asked \(gRPC UNAVAILABLE.*failClosed/) as string,
    });
    await client?.close();
    await gw.close();
  });

  it("failOpen lets the call through unchanged and says so once in the log", async () => {
    const { call, recording, gw } = await callWith("failOpen");
    expect(JSON.parse(textOf(await call))).toEqual({ message: "hi" });
    expect(recording.calls().at(-1)?.params).toMatchObject({ arguments: { message: "hi" } });
    await client?.callTool({ name: "echo", arguments: { message: "again" } });
    const notices = gw.events.filter(
      (event) => event.kind === "notice" && event.message.includes("failOpen"),
    );
    expect(notices).toHaveLength(1);
  });
});

describe("mcpGuardrails config", () => {
  it("takes the example of agentgateway's guide as it is", () => {
    const yaml = `
gateways:
  default:
    port: 3000
routes:
- policies:
    cors:
      allowOrigins:
      - "*"
      allowHeaders:
      - mcp-protocol-version
      - content-type
      - mcp-session-id
      exposeHeaders:
      - "Mcp-Session-Id"
    mcpGuardrails:
      processors:
      - kind: remote
        host: "localhost:9001"
        failureMode: failClosed
        methods:
          tools/call: request
          tools/list: response
  backends:
  - mcp:
      targets:
      - name: everything
        stdio:
          cmd: npx
          args: ["@modelcontextprotocol/server-everything"]
`;
    const { gateway } = parseConfig(yaml, "config.yaml", {});
    expect(gateway.listeners[0]?.routes[0]?.policies.mcpGuardrails).toEqual({
      processors: [
        {
          kind: "remote",
          host: "localhost:9001",
          failureMode: "failClosed",
          methods: { "tools/call": "request", "tools/list": "response" },
        },
      ],
    });
  });

  it("refuses what it does not take, naming it and why", () => {
    const problems = problemsOf(`
mcp:
  port: 3000
  policies:
    mcpGuardrails:
      processors:
      - kind: remote
        backend: my-backend
        failureMode: sometimes
        methods: { "tools/call": Request }
  targets:
  - name: everything
    stdio: { cmd: npx }
`);
    const at = "mcp.policies.mcpGuardrails.processors[0]";
    expect(problems).toEqual([
      `config.yaml:7:9: ${at}.host: is required, but missing`,
      `config.yaml:8:18: ${at}.backend: not supported by Gatehouse: name the ExtMCP server with \`host\``,
      `config.yaml:9:22: ${at}.failureMode: must be one of "failClosed", "failOpen"`,
      `config.yaml:10:34: ${at}.methods.tools/call: must be one of "off", "request", "response", "full"`,
    ]);
  });
});
