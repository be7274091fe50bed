import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { rawRequest } from "../raw-http";
import {
  callTool,
  openSession,
  postMessage,
  startSecureGateway,
  type Message,
  type SecureGateway,
} from "./secure-gateway";

// Issue 8, cases 4 and 8: what is not a well-formed MCP message from a client is refused at the
// gateway, logged, and never forwarded. A tools/call without an id must not skip
// mcpAuthorization by posing as a notification.

let idp: TestIssuer;
let alice: string;
let gw: SecureGateway;

beforeAll(async () => {
  idp = await testIssuer();
  alice = await idp.sign({ sub: "alice" });
  gw = await startSecureGateway(idp);
});
afterAll(async () => gw?.close());

/** A marker no other test sends, so the target's record shows whether this message arrived. */
let marker = 0;
const marked = () => `probe-${++marker}`;
const reached = (probe: string) => JSON.stringify(gw.received()).includes(probe);

const invalidRequest = (message: string) => ({
  jsonrpc: "2.0",
  id: null,
  error: { code: -32600, message },
});

describe("messages without an id", () => {
  const refused: { what: string; body: (probe: string) => Message | Message[]; error: string }[] = [
    {
      what: "a tools/call of a hidden tool",
      body: (probe) => ({
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name: "printEnv", probe },
      }),
      error:
        'message 1: "tools/call" is not a notification a client may send; a request needs an id',
    },
    {
      what: "a tools/call of an allowed tool",
      body: (probe) => ({ jsonrpc: "2.0", method: "tools/call", params: { name: "echo", probe } }),
      error:
        'message 1: "tools/call" is not a notification a client may send; a request needs an id',
    },
    {
      what: "an initialize",
      body: (probe) => ({ jsonrpc: "2.0", method: "initialize", params: { probe } }),
      error:
        'message 1: "initialize" is not a notification a client may send; a request needs an id',
    },
    {
      what: "a server's notification",
      body: (probe) => ({ jsonrpc: "2.0", method: "notifications/message", params: { probe } }),
      error:
        'message 1: "notifications/message" is not a notification a client may send; a request needs an id',
    },
    {
      what: "an invented notification",
      body: (probe) => ({ jsonrpc: "2.0", method: "notifications/x", params: { probe } }),
      error:
        'message 1: "notifications/x" is not a notification a client may send; a request needs an id',
    },
    {
      what: "a batch that hides one among requests",
      body: (probe) => [
        { jsonrpc: "2.0", id: 5, method: "ping", params: { probe } },
        { jsonrpc: "2.0", method: "tools/call", params: { name: "printEnv", probe } },
      ],
      error:
        'message 2: "tools/call" is not a notification a client may send; a request needs an id',
    },
  ];

  it.each(refused)("$what: 400, logged as denied, never forwarded", async ({ body, error }) => {
    const session = await openSession(gw.secure, alice);
    const probe = marked();
    const answer = await postMessage(gw.secure, session, alice, body(probe));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual(invalidRequest(error));
    expect(gw.requests().at(-1)).toMatchObject({
      status: 400,
      denied: true,
      error,
      subject: "alice",
    });
    expect(reached(probe)).toBe(false);
  });

  it("notifications/cancelled is a client notification: 202", async () => {
    // Not forwarded as it is: it names a request id the target never saw (ids are remapped).
    const session = await openSession(gw.secure, alice);
    const answer = await postMessage(gw.secure, session, alice, {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 99 },
    });
    expect(answer.status).toBe(202);
  });

  it.each([
    "notifications/progress",
    "notifications/roots/list_changed",
    "notifications/initialized",
  ])("%s is a client notification: 202, forwarded", async (method) => {
    const session = await openSession(gw.secure, alice);
    const probe = marked();
    const answer = await postMessage(gw.secure, session, alice, {
      jsonrpc: "2.0",
      method,
      params: { requestId: 99, progressToken: probe, progress: 1, probe },
    });
    expect(answer.status).toBe(202);
    await expect.poll(() => reached(probe), { timeout: 10_000 }).toBe(true);
  });
});

describe("JSON-RPC ids", () => {
  it.each([
    ["an object", { a: 1 }],
    ["null", null],
    ["true", true],
    ["an array", [1]],
  ])("an id that is %s: 400, never forwarded", async (_what, id) => {
    const session = await openSession(gw.secure, alice);
    const probe = marked();
    const answer = await postMessage(gw.secure, session, alice, {
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "echo", arguments: { probe } },
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual(
      invalidRequest("message 1: its id must be a string or a number"),
    );
    expect(reached(probe)).toBe(false);
  });

  it.each([
    ["a string", "call-1"],
    ["a number", 7],
  ])("an id that is %s is served", async (_what, id) => {
    const session = await openSession(gw.secure, alice);
    const answer = await postMessage(gw.secure, session, alice, { ...callTool(0, "echo"), id });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id, result: {} });
  });
});

describe("headers", () => {
  it.each([
    "application/jsonp",
    "application/json-seq",
    "text/plain",
    "application/x-www-form-urlencoded",
  ])("Content-Type %s: 415", async (type) => {
    const session = await openSession(gw.secure, alice);
    const answer = await postMessage(gw.secure, session, alice, callTool(2, "echo"), {
      headers: { "Content-Type": type },
    });
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual(
      invalidRequest("messages must be sent as Content-Type: application/json"),
    );
  });

  it.each(["application/json; charset=utf-8", "Application/JSON"])(
    "Content-Type %s is JSON",
    async (type) => {
      const session = await openSession(gw.secure, alice);
      const answer = await postMessage(gw.secure, session, alice, callTool(2, "echo"), {
        headers: { "Content-Type": type },
      });
      expect(answer.status).toBe(200);
    },
  );

  it.each([
    "",
    "application/json",
    "text/event-stream",
    "*/*",
    "application/jsonx, text/event-stream",
  ])("a POST with Accept %j: 406", async (accept) => {
    const session = await openSession(gw.secure, alice);
    const answer = await postMessage(gw.secure, session, alice, callTool(2, "echo"), {
      headers: { Accept: accept },
    });
    expect(answer.status).toBe(406);
    expect(await answer.json()).toEqual(
      invalidRequest("a POST needs Accept: application/json, text/event-stream"),
    );
  });

  it.each([
    ["the strict route", () => gw.secure],
    ["the open route", () => gw.open],
  ])("two Authorization headers on %s: 400", async (_where, url) => {
    const answer = await rawRequest(url(), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        Authorization: [`Bearer ${alice}`, "Bearer other"],
      },
      body: JSON.stringify(callTool(1, "echo")),
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toBe("send one Authorization header, not several");
  });
});
