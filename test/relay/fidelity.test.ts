import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  connect,
  everythingStdio,
  route,
  startEverythingHttp,
  startGateway,
  textOf,
  waitFor,
  type TestGateway,
} from "./harness";

/** A client that can answer the requests a server sends (sampling, roots), as a real host would. */
function answerServerRequests(client: Client, sampled: string[]) {
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    sampled.push(String((request.params.messages[0]?.content as { text?: string }).text));
    return {
      model: "test-model",
      role: "assistant",
      content: { type: "text", text: "sampled by the client" },
    };
  });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({
    roots: [{ uri: "file:///work/project", name: "project" }],
  }));
}

const capabilities = { sampling: {}, roots: { listChanged: true } };

describe("everything MCP says crosses the gateway", () => {
  let gw: TestGateway | undefined;
  let client: Client | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await client?.close();
    await gw?.close();
    cleanups.splice(0).forEach((stop) => stop());
  });

  it("progress notifications reach the caller of a long-running tool", async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
    client = await connect(gw.url);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1, 2, 3]);
    expect(textOf(result)).toContain("Steps: 3");
  });

  it("a cancelled call stops at the target, is logged as cancelled, and the session goes on", async () => {
    const started = await startGateway([route({ targets: [everythingStdio()] })]);
    gw = started;
    client = await connect(started.url);
    const abort = new AbortController();
    const call = client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 5, steps: 5 } },
      undefined,
      {
        signal: abort.signal,
        onprogress: () => abort.abort("the user gave up"),
      },
    );
    await expect(call).rejects.toThrow();
    await waitFor("the cancellation in the log", () =>
      started.requests("tools/call").some((e) => /cancelled/.test(e.error ?? "")),
    );
    await expect(client.ping()).resolves.toEqual({});
  });

  it("sampling and roots requests from the target are answered by the client", async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
    client = await connect(gw.url, { capabilities });
    const sampled: string[] = [];
    answerServerRequests(client, sampled);
    const sampling = await client.callTool({
      name: "trigger-sampling-request",
      arguments: { prompt: "say hi" },
    });
    expect(textOf(sampling)).toContain("sampled by the client");
    expect(sampled[0]).toContain("say hi");
    const roots = await client.callTool({ name: "get-roots-list", arguments: {} });
    expect(textOf(roots)).toContain("file:///work/project");
  });

  it("two targets asking the client at the same time never mix up their requests", async () => {
    const http = await startEverythingHttp("streamableHttp");
    cleanups.push(http.stop);
    gw = await startGateway([
      route({ targets: [everythingStdio("a"), { kind: "mcp", name: "b", url: http.url }] }),
    ]);
    client = await connect(gw.url, { capabilities });
    const sampled: string[] = [];
    answerServerRequests(client, sampled);
    const [a, b] = await Promise.all([
      client.callTool({ name: "a_trigger-sampling-request", arguments: { prompt: "from a" } }),
      client.callTool({ name: "b_trigger-sampling-request", arguments: { prompt: "from b" } }),
    ]);
    expect(textOf(a)).toContain("sampled by the client");
    expect(textOf(b)).toContain("sampled by the client");
    expect(sampled.sort()).toEqual([
      expect.stringContaining("from a"),
      expect.stringContaining("from b"),
    ]);
  });

  it("list_changed sent right after initialize reaches the client", async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
    client = await connect(gw.url, { capabilities });
    let changed = false;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed = true;
    });
    await waitFor("tools/list_changed", () => changed);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("trigger-sampling-request");
  });

  it("logging: the level set by the client reaches the target, and its messages come back", async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
    client = await connect(gw.url);
    const messages: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params.level);
    });
    await client.setLoggingLevel("debug");
    await client.callTool({ name: "toggle-simulated-logging", arguments: {} });
    await waitFor("a log message from the target", () => messages.length > 0, 12_000);
  });
});
