import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseConfig } from "../../src/main/config/load";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import {
  demoConfig,
  freePort,
  killAll,
  parseLogLines,
  removeTemps,
  serving,
  start,
  waitFor,
  writeTemp,
} from "../cli/helpers";

let clients: Client[] = [];
afterEach(async () => {
  for (const client of clients) await client.close();
  clients = [];
  await killAll();
});
afterAll(removeTemps);

/** agentgateway's MCP observability example, with fields from the request, the call and the answer. */
const ACCESS_LOG = `frontendPolicies:
  accessLog:
    filter: 'mcp.methodName == "tools/call"'
    add:
      tool: mcp.tool.name
      target: mcp.tool.target
      code: response.code
      team: request.headers["x-team"]
      token: request.headers["authorization"]
      missing: jwt.sub
    remove: [mcp.session.id, http.path]
`;

async function connect(port: number): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
    requestInit: { headers: { "X-Team": "blue", Authorization: "Bearer not-a-verified-token" } },
  });
  const client = new Client({ name: "access-log-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

// Each test starts gatehouse and its demo target as processes: on a loaded machine that alone
// can take tens of seconds.
describe("frontendPolicies.accessLog", { timeout: 90_000 }, () => {
  it("prints only the requests its filter keeps, with the added fields and without the removed ones (gatehouse serve)", async () => {
    const port = await freePort();
    const file = writeTemp("config.yaml", ACCESS_LOG + demoConfig(port));
    const gateway = start(["-f", file, "--admin-port", "0"]);
    await serving(gateway, port);
    const client = await connect(port);
    await client.listTools();
    await client.callTool({ name: "echo", arguments: { message: "hello" } });

    const requests = () => parseLogLines(gateway.stdout).filter((l) => l.message === "request");
    await waitFor("the tools/call line", () => requests().length > 0);
    const [line, ...others] = requests();
    expect(others).toEqual([]); // initialize, tools/list, the notifications: filtered out
    expect(line?.fields).toMatchObject({
      "mcp.method.name": "tools/call",
      "gen_ai.tool.name": "echo",
      tool: "echo",
      target: "demo",
      code: "200",
      team: "blue",
    });
    expect(line?.fields).not.toHaveProperty("mcp.session.id");
    expect(line?.fields).not.toHaveProperty("http.path");
    // No field may copy the token out, verified or not; one that has no value is left out.
    expect(line?.fields).not.toHaveProperty("token");
    expect(line?.fields).not.toHaveProperty("missing");
    expect(gateway.stdout).not.toContain("not-a-verified-token");
  });

  it("writes the same in JSON lines: the added fields, less the removed properties", async () => {
    const port = await freePort();
    const file = writeTemp("config.yaml", ACCESS_LOG + demoConfig(port));
    const gateway = start(["-f", file, "--admin-port", "0", "--log-format", "json"]);
    await serving(gateway, port);
    const client = await connect(port);
    await client.callTool({ name: "echo", arguments: { message: "hello" } });

    const calls = () =>
      gateway.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RequestEvent)
        .filter((event) => event.kind === "request");
    await waitFor("the tools/call line", () => calls().length > 0);
    const [call, ...others] = calls();
    expect(others).toEqual([]);
    expect(call).toMatchObject({
      method: "tools/call",
      name: "echo",
      fields: { tool: "echo", target: "demo", code: 200, team: "blue" },
    });
    expect(call).not.toHaveProperty("session");
    expect(call).not.toHaveProperty("path");
    expect(call).not.toHaveProperty("removed");
  });

  it("gives the event stream the UI reads every request, with its fields, marking the ones the access log leaves out", async () => {
    const port = await freePort();
    const config = parseConfig(ACCESS_LOG + demoConfig(port), "config.yaml", {});
    const bus = new LogBus();
    const events: GatewayEvent[] = [];
    bus.subscribe((event) => events.push(event));
    const gateway = new Gateway({ bus, version: "test" });
    await gateway.apply(config.gateway);
    try {
      const client = await connect(port);
      await client.listTools();
      await client.callTool({ name: "echo", arguments: { message: "hello" } });
      const requests = events.filter((e): e is RequestEvent => e.kind === "request");
      const list = requests.find((e) => e.method === "tools/list");
      const call = requests.find((e) => e.method === "tools/call");
      expect(list).toMatchObject({ filteredOut: true, fields: { code: 200, team: "blue" } });
      expect(call).toMatchObject({ fields: { tool: "echo", code: 200 } });
      expect(call?.filteredOut).toBeUndefined();
      expect(call?.removed).toEqual(["mcp.session.id", "http.path"]);
      // The live log keeps what the line leaves out: the session is still there.
      expect(call?.session).toEqual(expect.any(String));
    } finally {
      await gateway.close();
    }
  });
});
