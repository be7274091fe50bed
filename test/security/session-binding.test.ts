import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import {
  bearer,
  callTool,
  openSession,
  postMessage,
  startSecureGateway,
  toolReached,
  type SecureGateway,
} from "./secure-gateway";

// Issue 8, case 1 and 2: a session id is a capability only on the route, listener and for the
// caller that opened it. Anywhere else it is answered exactly like an id that never existed.

let idp: TestIssuer;
let alice: string;
let bob: string;
let gw: SecureGateway;

beforeAll(async () => {
  idp = await testIssuer();
  alice = await idp.sign({ sub: "alice" });
  bob = await idp.sign({ sub: "bob" });
  gw = await startSecureGateway(idp);
});
afterAll(async () => gw?.close());

const NOT_FOUND = {
  jsonrpc: "2.0",
  id: null,
  error: {
    code: -32600,
    message: "session not found: it expired or was closed, or another route or caller opened it",
  },
};

type Where = "open route" | "other listener" | "secure route";
const urlOf = (where: Where) =>
  ({ "open route": gw.open, "other listener": gw.otherListener, "secure route": gw.secure })[where];

const foreign: { who: string; where: Where; token: () => string | undefined }[] = [
  { who: "no token", where: "open route", token: () => undefined },
  { who: "no token", where: "other listener", token: () => undefined },
  { who: "alice's own token", where: "open route", token: () => alice },
  { who: "alice's own token", where: "other listener", token: () => alice },
  { who: "bob's token", where: "secure route", token: () => bob },
];

describe("a session of alice's on the strict route, named elsewhere", () => {
  it.each(foreign)(
    "POST with $who on the $where: 404, and the target never runs printEnv",
    async ({ where, token }) => {
      const session = await openSession(gw.secure, alice);
      const answer = await postMessage(urlOf(where), session, token(), callTool(2, "printEnv"));
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(NOT_FOUND);
      expect(toolReached(gw.received(), "printEnv")).toBe(false);
    },
  );

  it.each(foreign)("GET stream with $who on the $where: 404", async ({ where, token }) => {
    const session = await openSession(gw.secure, alice);
    const answer = await fetch(urlOf(where), {
      headers: { Accept: "text/event-stream", "Mcp-Session-Id": session, ...bearer(token()) },
    });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual(NOT_FOUND);
  });

  it.each(foreign)(
    "DELETE with $who on the $where: 404, and the session lives on",
    async ({ where, token }) => {
      const session = await openSession(gw.secure, alice);
      const answer = await fetch(urlOf(where), {
        method: "DELETE",
        headers: { "Mcp-Session-Id": session, ...bearer(token()) },
      });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual(NOT_FOUND);
      const still = await postMessage(gw.secure, session, alice, callTool(3, "echo"));
      expect(still.status).toBe(200);
      expect(await still.json()).toMatchObject({ id: 3, result: { content: [{ type: "text" }] } });
    },
  );
});

describe("the session's own caller", () => {
  it("a refreshed token of the same principal keeps the session", async () => {
    const session = await openSession(gw.secure, alice);
    const refreshed = await idp.sign({ sub: "alice", refreshed: true }, { expiresIn: "20m" });
    expect(refreshed).not.toBe(alice);
    const answer = await postMessage(gw.secure, session, refreshed, callTool(2, "echo"));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: 2, result: {} });
  });

  it("on its own route still meets mcpAuthorization: printEnv is an unknown tool", async () => {
    const session = await openSession(gw.secure, alice);
    const answer = await postMessage(gw.secure, session, alice, callTool(2, "printEnv"));
    expect(await answer.json()).toEqual({
      jsonrpc: "2.0",
      id: 2,
      error: { code: -32602, message: "Unknown tool: printEnv" },
    });
    expect(toolReached(gw.received(), "printEnv")).toBe(false);
  });
});

/** Opens a legacy SSE session and reads the endpoint it announces; the stream stays open. */
async function openLegacySession(url: string, token: string) {
  const controller = new AbortController();
  const answer = await fetch(url, {
    headers: { Accept: "text/event-stream", ...bearer(token) },
    signal: controller.signal,
  });
  expect(answer.status).toBe(200);
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let chunk = 0; chunk < 100 && !/event: endpoint\ndata: (.*)\n\n/.test(text); chunk++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const endpoint = /event: endpoint\ndata: (.*)\n\n/.exec(text)?.[1];
  if (!endpoint) throw new Error(`no endpoint event in: ${text}`);
  return { endpoint, close: () => controller.abort() };
}

describe("the legacy SSE message endpoint", () => {
  it.each([
    { who: "no token", where: "open", token: () => undefined },
    { who: "bob's token", where: "secure", token: () => bob },
  ])(
    "a POST with $who to the $where route's endpoint: 404, nothing reaches the target",
    async ({ where, token }) => {
      const base = new URL(gw.secure).origin;
      const legacy = await openLegacySession(`${base}/secure/sse`, alice);
      try {
        const sessionId = new URL(legacy.endpoint, base).searchParams.get("sessionId");
        const answer = await fetch(`${base}/${where}/sse?sessionId=${sessionId}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...bearer(token()) },
          body: JSON.stringify(callTool(7, "printEnv")),
        });
        expect(answer.status).toBe(404);
        expect(await answer.json()).toEqual(NOT_FOUND);
        expect(toolReached(gw.received(), "printEnv")).toBe(false);
      } finally {
        legacy.close();
      }
    },
  );
});
