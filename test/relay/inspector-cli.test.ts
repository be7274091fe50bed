import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode22Tool } from "../node22-tools/run";
import {
  everythingStdio,
  fixture,
  route,
  startGateway,
  stdioTarget,
  type TestGateway,
} from "./harness";

/** MCP Inspector's CLI, one method per run, as a person would type it. */
async function inspect(url: string, ...args: string[]): Promise<unknown> {
  const run = await runNode22Tool("inspector", ["--cli", url, ...args], { timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`inspector exited ${run.code}: ${run.stderr || run.stdout}`);
  return JSON.parse(run.stdout);
}

describe("MCP Inspector's CLI through two different targets", () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway([
      route({
        targets: [
          everythingStdio("everything"),
          stdioTarget("tools", process.execPath, [fixture("recording-server.mjs")]),
        ],
      }),
    ]);
  });
  afterAll(() => gw?.close());

  it("lists the tools of both targets, prefixed", async () => {
    const { tools } = (await inspect(gw.url, "--method", "tools/list")) as {
      tools: { name: string }[];
    };
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["everything_echo", "tools_echo"]));
  });

  it("calls a tool of each", async () => {
    const local = await inspect(
      gw.url,
      ...["--method", "tools/call", "--tool-name", "tools_echo", "--tool-arg", "said=hi"],
    );
    expect(local).toEqual({ content: [{ type: "text", text: '{"said":"hi"}' }] });
    const everything = (await inspect(
      gw.url,
      ...["--method", "tools/call", "--tool-name", "everything_echo", "--tool-arg", "message=yo"],
    )) as { content: { text: string }[] };
    expect(everything.content[0]?.text).toContain("yo");
  });

  it("lists prompts and resources, and sets the log level, though only one target has them", async () => {
    const { prompts } = (await inspect(gw.url, "--method", "prompts/list")) as {
      prompts: { name: string }[];
    };
    expect(prompts.length).toBeGreaterThan(0);
    const { resources } = (await inspect(gw.url, "--method", "resources/list")) as {
      resources: unknown[];
    };
    expect(resources.length).toBeGreaterThan(0);
    await expect(
      inspect(gw.url, "--method", "logging/setLevel", "--log-level", "debug"),
    ).resolves.toEqual({});
  });
});
