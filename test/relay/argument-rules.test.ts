import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import type { RoutePolicies } from "../../src/main/config/schema";
import {
  connect,
  fixture,
  MCP_POST_HEADERS,
  route,
  startGateway,
  stdioTarget,
  textOf,
  waitFor,
  type TestGateway,
} from "./harness";

/**
 * `mcp.tool.arguments` in mcpAuthorization rules, through a real gateway, a real SDK client and
 * the recording server as a stdio target (tools read_file and write_file, answering with the
 * arguments they got): what a call may carry, and what lists show without knowing it.
 */
const UNDER_HOME = 'mcp.tool.arguments.path.startsWith("/home/alice/projects/")';

let gw: TestGateway | undefined;
let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
  await gw?.close();
  gw = undefined;
});

/** A gateway whose route has these policies before the recording server; what it received. */
async function gatewayWith(policies: RoutePolicies) {
  const record = join(mkdtempSync(join(tmpdir(), "argument-rules-")), "received.jsonl");
  const target = stdioTarget("fs", process.execPath, [fixture("recording-server.mjs")]);
  target.env = { RECORD_FILE: record, TOOLS: "read_file,write_file" };
  gw = await startGateway([route({ targets: [target] }, { policies })]);
  const client = await connect(gw.url);
  clients.push(client);
  const received = () =>
    existsSync(record)
      ? readFileSync(record, "utf8")
          .split("\n")
          .filter((line) => line.includes('"tools/call"'))
          .map((line) => JSON.parse(line).params.arguments)
      : [];
  return { client, received, gw };
}

const listed = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

/** The log event of the last tools/call, once the gateway wrote it. */
async function lastCallEvent(gateway: TestGateway, count: number) {
  await waitFor("the call's log event", () => gateway.requests("tools/call").length >= count);
  return gateway.requests("tools/call")[count - 1];
}

describe("rules on a tool call's arguments", () => {
  it("allows the call its rule holds for, refuses the others as an unknown tool, and keeps the tool listed", async () => {
    const {
      client,
      received,
      gw: gateway,
    } = await gatewayWith({
      mcpAuthorization: { rules: [`mcp.tool.name == "read_file" && ${UNDER_HOME}`] },
    });
    // The list cannot know the arguments: read_file stays, write_file is rejected by name alone.
    expect(await listed(client)).toEqual(["read_file"]);

    const allowed = await client.callTool({
      name: "read_file",
      arguments: { path: "/home/alice/projects/a.txt" },
    });
    expect(JSON.parse(textOf(allowed))).toEqual({ path: "/home/alice/projects/a.txt" });
    expect(await lastCallEvent(gateway, 1)).toMatchObject({
      name: "read_file",
      reason: `allowed by rule 1: mcp.tool.name == "read_file" && ${UNDER_HOME}`,
    });

    await expect(
      client.callTool({ name: "read_file", arguments: { path: "/etc/passwd" } }),
    ).rejects.toThrow("MCP error -32602: Unknown tool: read_file");
    expect(await lastCallEvent(gateway, 2)).toMatchObject({
      denied: true,
      name: "read_file",
      reason: "no allow rule matched",
    });
    // Exactly the answer for a tool that does not exist.
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toThrow(
      "MCP error -32602: Unknown tool: nope",
    );
    expect(received()).toEqual([{ path: "/home/alice/projects/a.txt" }]);
  });

  it("refuses arguments of another type, missing or nested without end where the rule reads them", async () => {
    const {
      client,
      received,
      gw: gateway,
    } = await gatewayWith({
      mcpAuthorization: {
        rules: [{ require: `mcp.tool.name != "read_file" || ${UNDER_HOME}` }],
      },
    });
    expect(await listed(client)).toEqual(["read_file", "write_file"]);
    for (const args of [{ path: ["/home/alice/projects/a"] }, { path: 42 }, {}, undefined]) {
      await expect(client.callTool({ name: "read_file", arguments: args })).rejects.toThrow(
        "Unknown tool: read_file",
      );
    }
    expect((await lastCallEvent(gateway, 4))?.reason).toMatch(/^require rule 1 not met/);

    // A few hundred kilobytes of brackets: refused, and the gateway goes on serving.
    let deep = "1";
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const raw = await rawCall(gateway, client, `{"path":"/home/alice/projects/x","deep":${deep}}`);
    expect(raw.error).toEqual({ code: -32602, message: "Unknown tool: read_file" });
    expect((await lastCallEvent(gateway, 5))?.reason).toBe(
      "the call's arguments nest deeper than 64 levels, more than rules read",
    );

    const fine = await client.callTool({ name: "write_file", arguments: { path: "/etc/x" } });
    expect(JSON.parse(textOf(fine))).toEqual({ path: "/etc/x" });
    expect(received()).toEqual([{ path: "/etc/x" }]);
  });

  it("a deny rule on the arguments hides nothing and refuses the calls it holds for", async () => {
    const deny = 'mcp.tool.name == "write_file" && mcp.tool.arguments.path.startsWith("/etc/")';
    const {
      client,
      received,
      gw: gateway,
    } = await gatewayWith({
      mcpAuthorization: { rules: [{ deny }] },
    });
    expect(await listed(client)).toEqual(["read_file", "write_file"]);
    await expect(
      client.callTool({ name: "write_file", arguments: { path: "/etc/passwd" } }),
    ).rejects.toThrow("Unknown tool: write_file");
    expect(await lastCallEvent(gateway, 1)).toMatchObject({
      denied: true,
      reason: `denied by rule 1: ${deny}`,
    });
    await client.callTool({ name: "write_file", arguments: { path: "/tmp/a" } });
    expect(received()).toEqual([{ path: "/tmp/a" }]);
  });
});

/** A tools/call sent by hand in the client's session, for a body no SDK would build. */
async function rawCall(gateway: TestGateway, client: Client, args: string) {
  const sessionId = (client.transport as { sessionId?: string }).sessionId as string;
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: {
      ...MCP_POST_HEADERS,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    },
    body: `{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"read_file","arguments":${args}}}`,
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  const json = text.startsWith("{") ? text : /^data: (.*)$/m.exec(text)?.[1];
  return JSON.parse(json as string) as { error?: { code: number; message: string } };
}
