import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  everythingStdio,
  route,
  startEverythingHttp,
  startGateway,
  textOf,
  type TestGateway,
} from "./harness";

describe("two targets multiplexed behind one endpoint: stdio and Streamable HTTP", () => {
  let gw: TestGateway;
  let client: Client;
  let http: Awaited<ReturnType<typeof startEverythingHttp>>;

  beforeAll(async () => {
    http = await startEverythingHttp("streamableHttp");
    gw = await startGateway([
      route({
        targets: [everythingStdio("local"), { kind: "mcp", name: "remote", url: http.url }],
      }),
    ]);
    client = await connect(gw.url);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
    http?.stop();
  });

  it("answers initialize as the gateway, with the capabilities of both", () => {
    expect(client.getServerVersion()).toEqual({ name: "gatehouse", version: "test" });
    const caps = client.getServerCapabilities();
    expect(caps?.tools?.listChanged).toBe(true);
    expect(caps?.resources?.subscribe).toBe(true);
    expect(client.getInstructions()).toMatch(/local: .*\n\nremote: /s);
  });

  it("prefixes tool names with the target name, so both echo tools are listed", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(["local_echo", "remote_echo", "local_get-sum", "remote_get-sum"]),
    );
    expect(names.every((name) => name.startsWith("local_") || name.startsWith("remote_"))).toBe(
      true,
    );
  });

  it("routes a call by its prefix and logs the unprefixed tool with its target", async () => {
    const local = await client.callTool({ name: "local_echo", arguments: { message: "to local" } });
    const remote = await client.callTool({
      name: "remote_echo",
      arguments: { message: "to remote" },
    });
    expect(textOf(local)).toContain("to local");
    expect(textOf(remote)).toContain("to remote");
    const calls = gw.requests("tools/call").map((e) => `${e.target}/${e.name}`);
    expect(calls).toEqual(expect.arrayContaining(["local/echo", "remote/echo"]));
  });

  it("prefixes resource URIs with `<target>+` and reads them back through the prefix", async () => {
    const { resources } = await client.listResources();
    const uri = resources.map((r) => r.uri).find((u) => u.startsWith("remote+")) as string;
    expect(uri).toBeDefined();
    const read = await client.readResource({ uri });
    expect(read.contents[0]?.uri).toBe(uri);
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.every((t) => /^(local|remote)\+/.test(t.uriTemplate))).toBe(
      true,
    );
  });

  it("prefixes prompts too", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(
      expect.arrayContaining(["local_simple-prompt", "remote_simple-prompt"]),
    );
    const prompt = await client.getPrompt({ name: "remote_simple-prompt" });
    expect(prompt.messages.length).toBeGreaterThan(0);
  });

  it("refuses a name with an unknown prefix as an unknown tool", async () => {
    await expect(client.callTool({ name: "elsewhere_echo" })).rejects.toThrow(
      /Unknown tool: elsewhere_echo/,
    );
  });
});
