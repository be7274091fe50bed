import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NoticeEvent } from "../../src/main/gateway/log-event";
import {
  connect,
  everythingStdio,
  fixture,
  MCP_POST_HEADERS,
  INITIALIZE_REQUEST,
  route,
  startGateway,
  stdioTarget,
  textOf,
  type StdioTarget,
  type TestGateway,
} from "./harness";

/** The recording server as a target: tools only unless `env` says otherwise. */
function recording(name: string, env: Record<string, string> = {}): StdioTarget {
  return { ...stdioTarget(name, process.execPath, [fixture("recording-server.mjs")]), env };
}

const notices = (gw: TestGateway, pattern: RegExp) =>
  gw.events.filter((e): e is NoticeEvent => e.kind === "notice" && pattern.test(e.message));

describe("two targets that differ: server-everything beside a tools-only server", () => {
  let gw: TestGateway;
  let client: Client;

  beforeAll(async () => {
    gw = await startGateway([
      route({ targets: [everythingStdio("everything"), recording("tools")] }),
    ]);
    client = await connect(gw.url);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.close();
  });

  it("advertises each capability with the flags some target declared, and no tasks it cannot route", () => {
    const caps = client.getServerCapabilities();
    expect(caps?.tools).toEqual({ listChanged: true });
    expect(caps?.prompts).toEqual({ listChanged: true });
    expect(caps?.resources).toEqual({ subscribe: true, listChanged: true });
    expect(caps?.logging).toEqual({});
    expect(caps?.completions).toEqual({});
    expect(caps?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    expect(caps?.experimental).toBeUndefined();
  });

  it("asks for prompts and resources only the target that has them", async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.every((p) => p.name.startsWith("everything_"))).toBe(true);
    expect((await client.listResources()).resources.length).toBeGreaterThan(0);
    expect((await client.listResourceTemplates()).resourceTemplates.length).toBeGreaterThan(0);
    const asked = gw.requests().filter((e) => e.target === "tools" && e.method !== "initialize");
    expect(asked).toEqual([]);
  });

  it("sets the log level at the targets that log, and answers ping itself", async () => {
    await expect(client.setLoggingLevel("debug")).resolves.toEqual({});
    await expect(client.ping()).resolves.toEqual({});
  });

  it("lists the tools of both, prefixed, and calls each", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["everything_echo", "tools_echo"]));
    const echoed = await client.callTool({ name: "tools_echo", arguments: { said: "hi" } });
    expect(textOf(echoed)).toBe('{"said":"hi"}');
  });

  it("prefixes the URIs of resources a tool result links or embeds, so the client can read them", async () => {
    const links = await client.callTool({
      name: "everything_get-resource-links",
      arguments: { count: 2 },
    });
    const linked = (links.content as { type: string; uri?: string }[]).filter(
      (block) => block.type === "resource_link",
    );
    expect(linked.length).toBe(2);
    for (const { uri } of linked) {
      expect(uri).toMatch(/^everything\+demo:\/\//);
      expect((await client.readResource({ uri: uri as string })).contents[0]?.uri).toBe(uri);
    }
    const embedded = await client.callTool({
      name: "everything_get-resource-reference",
      arguments: { resourceType: "Text", resourceId: 1 },
    });
    const block = (embedded.content as { type: string; resource?: { uri: string } }[]).find(
      (part) => part.type === "resource",
    );
    expect(block?.resource?.uri).toMatch(/^everything\+demo:\/\//);
  });

  it("routes a task back to the target that created it, under an id that names that target", async () => {
    const created = await client.request(
      {
        method: "tools/call",
        params: {
          name: "everything_simulate-research-query",
          arguments: { topic: "relays" },
          task: { ttl: 60_000 },
        },
      },
      CreateTaskResultSchema,
    );
    const { taskId } = created.task;
    expect(taskId).toMatch(/^everything\+./);
    const got = await client.request(
      { method: "tasks/get", params: { taskId } },
      GetTaskResultSchema,
    );
    expect(got.taskId).toBe(taskId);
    const { tasks } = await client.request(
      { method: "tasks/list", params: {} },
      ListTasksResultSchema,
    );
    expect(tasks.map((task) => task.taskId)).toContain(taskId);
    // tasks/result waits for the research (four stages of a second) and returns its result.
    const result = await client.request(
      { method: "tasks/result", params: { taskId } },
      CallToolResultSchema,
      { timeout: 30_000 },
    );
    expect(textOf(result)).toContain("relays");
    expect(result._meta?.["io.modelcontextprotocol/related-task"]).toEqual({ taskId });
    await expect(
      client.request(
        { method: "tasks/get", params: { taskId: "tools+nope" } },
        GetTaskResultSchema,
      ),
    ).rejects.toThrow(/Method not found|Unknown task/);
  });
});

describe("a target that declares what it does not implement", () => {
  const liar = () =>
    recording("liar", { CAPABILITIES: JSON.stringify({ tools: {}, prompts: {}, logging: {} }) });

  it("under failOpen, its part is empty and the log names it", async () => {
    const gw = await startGateway([
      route({ failureMode: "failOpen", targets: [everythingStdio("everything"), liar()] }),
    ]);
    const client = await connect(gw.url);
    try {
      const { prompts } = await client.listPrompts();
      expect(prompts.length).toBeGreaterThan(0);
      await expect(client.setLoggingLevel("info")).resolves.toEqual({});
      const said = notices(gw, /target "liar" declared prompts but answered prompts\/list/);
      expect(said).toHaveLength(1);
      expect(said[0]?.level).toBe("warn");
    } finally {
      await client.close();
      await gw.close();
    }
  });

  it("under failClosed, the list fails naming the target", async () => {
    const gw = await startGateway([route({ targets: [everythingStdio("everything"), liar()] })]);
    const client = await connect(gw.url);
    try {
      await expect(client.listPrompts()).rejects.toThrow(/target "liar": Method not found/);
      expect(notices(gw, /target "liar" declared prompts/)).toHaveLength(1);
    } finally {
      await client.close();
      await gw.close();
    }
  });
});

describe("paging", () => {
  it("a single target's own cursor passes through untouched, page after page", async () => {
    const gw = await startGateway([route({ targets: [recording("paged", { PAGE_SIZE: "2" })] })]);
    const client = await connect(gw.url);
    try {
      const first = await client.listTools();
      expect(first.nextCursor).toBe("page-2");
      const names = first.tools.map((t) => t.name);
      let cursor = first.nextCursor;
      while (cursor !== undefined) {
        const page = await client.listTools({ cursor });
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
      }
      expect(names).toEqual(["echo", "printEnv", "hang", "big", "learn"]);
    } finally {
      await client.close();
      await gw.close();
    }
  });

  it("several targets page together under one cursor of the gateway", async () => {
    const gw = await startGateway([
      route({
        targets: [recording("a", { PAGE_SIZE: "2" }), recording("b", { PAGE_SIZE: "3" })],
      }),
    ]);
    const client = await connect(gw.url);
    try {
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(names.sort()).toEqual(
        ["echo", "printEnv", "hang", "big", "learn"].flatMap((n) => [`a_${n}`, `b_${n}`]).sort(),
      );
    } finally {
      await client.close();
      await gw.close();
    }
  });
});

describe("prefixMode never", () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway([
      route({
        prefixMode: "never",
        targets: [
          everythingStdio("everything"),
          recording("tools", { TOOLS: "shout,whisper,learn" }),
          recording("other", { TOOLS: "shout,mumble" }),
        ],
      }),
    ]);
  });
  afterAll(() => gw?.close());

  it("calls a tool it never listed in this session: the gateway asks the targets", async () => {
    const client = await connect(gw.url);
    try {
      const result = await client.callTool({ name: "whisper", arguments: { x: 1 } });
      expect(textOf(result)).toBe('{"x":1}');
      const call = gw.requests("tools/call").at(-1);
      expect([call?.target, call?.name]).toEqual(["tools", "whisper"]);
      const sum = await client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } });
      expect(textOf(sum)).toContain("3");
    } finally {
      await client.close();
    }
  });

  it("leaves resource URIs as the target wrote them, and reads them", async () => {
    const client = await connect(gw.url);
    try {
      const { resources } = await client.listResources();
      const uri = resources[0]?.uri as string;
      expect(uri).toMatch(/^demo:\/\//);
      const read = await client.readResource({ uri });
      expect(read.contents[0]?.uri).toBe(uri);
      // A URI of a template, never listed as such: found through the templates.
      const fromTemplate = await client.readResource({ uri: "demo://resource/dynamic/text/7" });
      expect(fromTemplate.contents[0]?.uri).toBe("demo://resource/dynamic/text/7");
    } finally {
      await client.close();
    }
  });

  it("leaves a name two targets offer out of the list, says why once, and refuses to guess", async () => {
    const client = await connect(gw.url);
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["whisper", "mumble", "echo"]));
      expect(names).not.toContain("shout");
      await client.listTools();
      const said = notices(gw, /tool "shout" is offered by targets "tools" and "other"/);
      expect(said).toHaveLength(1);
      expect(said[0]?.level).toBe("error");
      await expect(client.callTool({ name: "shout" })).rejects.toThrow(
        /tool "shout" is offered by targets "tools" and "other"/,
      );
    } finally {
      await client.close();
    }
  });

  it("learns a tool a target adds, from its list_changed", async () => {
    const client = await connect(gw.url);
    try {
      await expect(client.callTool({ name: "yodel" })).rejects.toThrow(/Unknown tool: yodel/);
      await client.callTool({ name: "learn", arguments: { name: "yodel" } });
      const learned = await client.callTool({ name: "yodel", arguments: { loud: true } });
      expect(textOf(learned)).toBe('{"loud":true}');
    } finally {
      await client.close();
    }
  });
});

describe("a failed initialize", () => {
  it("answers with its error and no Mcp-Session-Id", async () => {
    const gw = await startGateway([
      route({ targets: [stdioTarget("broken", "/nonexistent/mcp-server", [])] }),
    ]);
    try {
      const answer = await fetch(gw.url, {
        method: "POST",
        headers: MCP_POST_HEADERS,
        body: JSON.stringify(INITIALIZE_REQUEST),
      });
      const body = (await answer.json()) as { error?: { message: string } };
      expect(body.error?.message).toMatch(/nonexistent/);
      expect(answer.headers.get("mcp-session-id")).toBeNull();
    } finally {
      await gw.close();
    }
  });
});
