import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  LIST_METHODS,
  mergeLists,
  type ListSpec,
  type Part,
} from "../../src/main/gateway/relay/merge";
import { Namespace } from "../../src/main/gateway/relay/namespace";

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
    const ns = new Namespace(["a", "b"], "never");
    expect(ns.expose("resource", "a", "file:///x")).toBe("a+file:///x");
    expect(ns.expose("resource", "a", "relative/x")).toBe("relative/x");
    expect(ns.resolve("resource", "b+memo:insights")).toEqual({
      target: "b",
      name: "memo:insights",
    });
  });

  it("with prefixMode never, finds a tool's target from the list that named it", () => {
    const ns = new Namespace(["a", "b"], "never");
    expect(ns.expose("tool", "b", "only-in-b")).toBe("only-in-b");
    expect(ns.resolve("tool", "only-in-b")).toEqual({ target: "b", name: "only-in-b" });
    expect(ns.resolve("tool", "never-listed")).toBeUndefined();
  });
});
