import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  LIST_METHODS,
  mergeLists,
  type ListSpec,
  type Part,
} from "../../src/main/gateway/relay/merge";
import { mergeCapabilities, serves } from "../../src/main/gateway/relay/capabilities";
import { Namespace } from "../../src/main/gateway/relay/namespace";
import { matchesUriTemplate } from "../../src/main/gateway/relay/uri-template";

const page = (target: string, names: string[], nextCursor?: string): Part => ({
  target,
  response: {
    jsonrpc: "2.0",
    id: 1,
    result: { tools: names.map((name) => ({ name })), ...(nextCursor && { nextCursor }) },
  },
});
const tools = LIST_METHODS["tools/list"] as ListSpec;

describe("merging the lists of several targets", () => {
  it("keeps every target's next cursor inside one cursor, so paging needs no gateway state", () => {
    const merged = mergeLists(
      [page("a", ["x"], "a-2"), page("b", ["y"])],
      tools,
      new Namespace(["a", "b"], "conditional"),
      "failClosed",
    );
    expect(merged).toMatchObject({ result: { tools: [{ name: "a_x" }, { name: "b_y" }] } });
    const cursor = (merged as { result: { nextCursor: string } }).result.nextCursor;
    expect(decodeCursor(cursor)).toEqual({ a: "a-2" });
  });

  it("fails the whole list under failClosed, naming the target, and skips it under failOpen", () => {
    const broken: Part = {
      target: "b",
      response: { jsonrpc: "2.0", id: 1, error: { code: -32603, message: "down" } },
    };
    const ns = new Namespace(["a", "b"], "conditional");
    expect(mergeLists([page("a", ["x"]), broken], tools, ns, "failClosed")).toEqual({
      error: { code: -32603, message: 'target "b": down' },
    });
    expect(mergeLists([page("a", ["x"]), broken], tools, ns, "failOpen")).toEqual({
      result: { tools: [{ name: "a_x" }] },
    });
  });

  it("keeps 2026-07-28 caching hints: the smallest ttlMs of the parts, private if any part is", () => {
    const hinted = (target: string, hints: Record<string, unknown>): Part => {
      const part = page(target, [target]);
      Object.assign(part.response.result as object, hints);
      return part;
    };
    const ns = new Namespace(["a", "b", "c"], "conditional");
    const merge = (parts: Part[]) =>
      (mergeLists(parts, tools, ns, "failClosed") as { result: Record<string, unknown> }).result;
    expect(
      merge([
        hinted("a", { ttlMs: 60_000, cacheScope: "public" }),
        hinted("b", { ttlMs: 5_000, cacheScope: "public" }),
      ]),
    ).toMatchObject({ ttlMs: 5_000, cacheScope: "public" });
    expect(
      merge([hinted("a", { ttlMs: 60_000, cacheScope: "private" }), page("c", ["c"])]),
    ).toMatchObject({ ttlMs: 0, cacheScope: "private" });
    expect(merge([page("a", ["a"]), page("b", ["b"])])).not.toHaveProperty("ttlMs");
  });

  it("rejects cursors it did not issue", () => {
    expect(decodeCursor("not-a-cursor")).toBeUndefined();
    expect(decodeCursor(Buffer.from("[1]").toString("base64url"))).toBeUndefined();
  });
});

describe("names across targets", () => {
  it("prefixes names only with several targets in conditional mode, always in always mode", () => {
    expect(new Namespace(["a"], "conditional").expose("tool", "a", "echo")).toBe("echo");
    expect(new Namespace(["a"], "always").expose("tool", "a", "echo")).toBe("a_echo");
    expect(new Namespace(["a", "b"], "conditional").resolve("tool", "b_get_env")).toEqual({
      target: "b",
      name: "get_env",
    });
  });

  it("prefixes URIs that have a scheme, and leaves relative ones alone (as agentgateway)", () => {
    const ns = new Namespace(["a", "b"], "conditional");
    expect(ns.expose("resource", "a", "file:///x")).toBe("a+file:///x");
    expect(ns.expose("resource", "a", "relative/x")).toBe("relative/x");
    expect(ns.resolve("resource", "b+memo:insights")).toEqual({
      target: "b",
      name: "memo:insights",
    });
  });

  it("with prefixMode never, names and URIs stay as the targets wrote them", () => {
    const ns = new Namespace(["a", "b"], "never");
    expect(ns.expose("tool", "b", "only-in-b")).toBe("only-in-b");
    expect(ns.expose("resource", "a", "file:///x")).toBe("file:///x");
    expect(ns.needsDirectory).toBe(true);
    expect(ns.resolve("tool", "only-in-b")).toBeUndefined(); // the directory knows
  });

  it("prefixes task ids whenever there are several targets, in every mode", () => {
    const ns = new Namespace(["a", "b"], "never");
    expect(ns.expose("task", "b", "t-1")).toBe("b+t-1");
    expect(ns.resolve("task", "b+t-1")).toEqual({ target: "b", name: "t-1" });
    expect(ns.resolve("task", "c+t-1")).toBeUndefined();
    const single = new Namespace(["a"], "always");
    expect(single.expose("task", "a", "t-1")).toBe("t-1");
    expect(single.resolve("task", "t-1")).toEqual({ target: "a", name: "t-1" });
  });
});

describe("capabilities of several targets", () => {
  it("keeps each flag some target declared, and only what the gateway can route", () => {
    const merged = mergeCapabilities([
      {
        tools: {},
        logging: {},
        experimental: { x: {} },
        tasks: { requests: { tools: { call: {} } } },
      },
      { tools: { listChanged: true }, resources: { subscribe: true }, completions: {} },
      { prompts: { listChanged: false }, tasks: { list: {}, requests: { sampling: {} } } },
    ]);
    expect(merged).toEqual({
      tools: { listChanged: true },
      prompts: {},
      resources: { subscribe: true },
      logging: {},
      completions: {},
      tasks: { list: {}, requests: { tools: { call: {} } } },
    });
  });

  it("sends a method only to the targets that declared what it needs", () => {
    expect(serves({ prompts: {} }, "prompts/list")).toBe(true);
    expect(serves({ tools: {} }, "prompts/list")).toBe(false);
    expect(serves({ tasks: { cancel: {} } }, "tasks/list")).toBe(false);
    expect(serves({ tasks: { list: {} } }, "tasks/list")).toBe(true);
  });
});

describe("resource templates", () => {
  it("match the URIs they expand to, in linear time", () => {
    expect(matchesUriTemplate("demo://text/{id}", "demo://text/7")).toBe(true);
    expect(matchesUriTemplate("demo://text/{id}/data", "demo://text/7/data")).toBe(true);
    expect(matchesUriTemplate("demo://text/{id}/data", "demo://text/7/meta")).toBe(false);
    expect(matchesUriTemplate("demo://text/{id}", "other://text/7")).toBe(false);
    expect(matchesUriTemplate("file:///{+path}{?q}", "file:///a/b?q=1")).toBe(true);
    expect(matchesUriTemplate("demo://fixed", "demo://fixed")).toBe(true);
    expect(matchesUriTemplate("a{x}b{y}a", "ab")).toBe(false);
  });
});
