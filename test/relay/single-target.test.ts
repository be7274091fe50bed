import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, everythingStdio, route, startGateway, textOf, type TestGateway } from "./harness";

describe("one stdio target (server-everything) behind the gateway", () => {
  let gw: TestGateway;
  let client: Client;

  beforeAll(async () => {
    gw = await startGateway([route({ targets: [everythingStdio()] })]);
    client = await connect(gw.url);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  it("is the target itself to the client: its server info, its unprefixed tools", async () => {
    expect(client.getServerVersion()?.name).toBe("mcp-servers/everything");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["echo", "get-sum", "get-env"]),
    );
  });

  it("calls a tool and logs the call with its target and tool", async () => {
    const result = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });
    expect(textOf(result)).toContain("5");
    const [event] = gw.requests("tools/call").filter((e) => e.name === "get-sum");
    expect(event).toMatchObject({
      status: 200,
      target: "everything",
      name: "get-sum",
      route: "default",
    });
    expect(event?.session).toBeTruthy();
  });

  it("lists resources (following the target's own cursor) and reads one", async () => {
    const uris: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listResources(cursor ? { cursor } : {});
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
    } while (cursor && uris.length < 1000);
    expect(uris.length).toBeGreaterThan(0);
    const first = uris[0] as string;
    const read = await client.readResource({ uri: first });
    expect(read.contents[0]?.uri).toBe(first);
  });

  it("relays prompts and completions", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain("simple-prompt");
    const prompt = await client.getPrompt({ name: "simple-prompt" });
    expect(prompt.messages.length).toBeGreaterThan(0);
  });

  it("passes the target's own answer to an unknown tool through", async () => {
    const result = await client.callTool({ name: "no-such-tool" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("no-such-tool");
  });

  it("answers ping", async () => {
    await expect(client.ping()).resolves.toEqual({});
  });
});
