import { createServer, type Server } from "node:net";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  childrenOf,
  connect,
  demoConfig,
  escapeRegExp,
  freePort,
  isRunning,
  killAll,
  parseLogLines,
  removeTemps,
  serving,
  start,
  textOf,
  waitFor,
  type LogLine,
  within,
  writeTemp,
} from "./helpers";

let client: Client | undefined;
let blocker: Server | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  blocker?.close();
  blocker = undefined;
  await killAll();
});
afterAll(removeTemps);

async function serveDemo(extraArgs: string[] = []) {
  const port = await freePort();
  const gateway = start([
    "-f",
    writeTemp("config.yaml", demoConfig(port)),
    "--admin-port",
    "0",
    ...extraArgs,
  ]);
  await serving(gateway, port);
  return { gateway, port };
}

describe("gatehouse serving a config file", () => {
  it("relays to the demo server and logs each request as an agentgateway-style line", async () => {
    const { gateway, port } = await serveDemo();
    expect(gateway.stderr).toMatch(/^Gatehouse \S+ is serving .*config\.yaml/);

    client = await connect(port);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "get-sum", "get-time"]);
    const result = await client.callTool({ name: "echo", arguments: { message: "hello gate" } });
    expect(textOf(result)).toBe("hello gate");

    const call = () =>
      parseLogLines(gateway.stdout).find((line) => line.fields["mcp.method.name"] === "tools/call");
    await waitFor("the tools/call log line", () => call() !== undefined);
    const line = call() as LogLine;
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(line.level).toBe("info");
    expect(line.message).toBe("request");
    expect(line.fields).toMatchObject({
      route: "default",
      "http.method": "POST",
      "http.path": "/mcp",
      "http.status": "200",
      protocol: "mcp",
      "mcp.target": "demo",
      "mcp.resource.type": "tool",
      "gen_ai.tool.name": "echo",
    });
    expect(line.fields["mcp.session.id"]).toBe(client.transport?.sessionId);
    expect(line.fields.duration).toMatch(/^\d+ms$/);
  });

  it("--log-format json writes one request object per line", async () => {
    const { gateway, port } = await serveDemo(["--log-format", "json"]);
    client = await connect(port);
    await client.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });

    const events = () =>
      gateway.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    await waitFor("the tools/call event", () => events().some((e) => e.method === "tools/call"));
    expect(events().every((event) => ["request", "target"].includes(event.kind as string))).toBe(
      true,
    );
    expect(events().find((e) => e.method === "tools/call")).toMatchObject({
      status: 200,
      httpMethod: "POST",
      path: "/mcp",
      target: "demo",
      name: "get-sum",
    });
  });

  it("SIGTERM stops the gateway with exit 0 and leaves no stdio target behind", async () => {
    const { gateway, port } = await serveDemo();
    client = await connect(port);
    await client.listTools();
    const demos = childrenOf(gateway.pid).filter((child) => child.args.includes("demo-server"));
    expect(demos).toHaveLength(1);
    const demo = demos[0]?.pid as number;

    gateway.child.kill("SIGTERM");
    const { code, signal } = await within(gateway.exited, 10_000, "the gateway to exit");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    await waitFor("the demo server to exit", () => !isRunning(demo), 5_000);
  });

  it("exits 1 on an invalid config, listing its problems as check does", async () => {
    const file = writeTemp("config.yaml", "mcp:\n  port: 1\n  targets: []\n  colour: blue\n");
    const gateway = start(["-f", file, "--admin-port", "0"]);
    const { code } = await within(gateway.exited, 10_000, "the gateway to give up");
    expect(code).toBe(1);
    expect(gateway.stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:4:3: mcp\\.colour: `, "m"));
    expect(gateway.stderr).toContain(`${file}: 1 problem`);
  });

  it("exits 1 naming the port when the port is already in use", async () => {
    const port = await freePort();
    const listening = createServer();
    blocker = listening;
    await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));

    const gateway = start(["-f", writeTemp("config.yaml", demoConfig(port)), "--admin-port", "0"]);
    const { code } = await within(gateway.exited, 10_000, "the gateway to give up");
    expect(code).toBe(1);
    expect(gateway.stderr).toContain(`port ${port}`);
    expect(gateway.stderr).toContain("already in use");
  });
});
