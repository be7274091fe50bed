import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TOKEN_LENGTH } from "../../src/main/gateway/policies/jwt/untrusted-token";
import {
  AUDIENCE,
  claims,
  everyRejection,
  hostileTokens,
  ISSUER,
  makeKey,
  sign,
  type CorpusKeys,
  type RefusedToken,
} from "../auth/token-corpus";
import {
  callTool,
  openSession,
  postMessage,
  startSecureGateway,
  toolReached,
  type SecureGateway,
} from "./secure-gateway";

// The verifier's token corpus, over HTTP: every refused token is answered 401 with its reason,
// logged as denied, and nothing of the request reaches a target, whether it tries to open a
// session or to drive one that a trusted caller opened.

const keys = {} as CorpusKeys;
let gw: SecureGateway;
let session: string;
const JKU_URL = "http://127.0.0.1:9/never-fetched";

beforeAll(async () => {
  const [rsa, ec, attacker] = await Promise.all([
    makeKey("RS256", "rsa"),
    makeKey("ES256", "ec"),
    makeKey("RS256", "attacker"),
  ]);
  Object.assign(keys, { rsa, ec, attacker });
  gw = await startSecureGateway({
    issuer: ISSUER,
    audiences: [AUDIENCE],
    jwks: { keys: [rsa.jwk, ec.jwk] },
  });
  session = await openSession(gw.secure, await sign(ec, claims()));
});
afterAll(async () => gw?.close());

const corpus: RefusedToken[] = [...everyRejection(keys), ...hostileTokens(keys, () => JKU_URL)];

describe.each([
  ["opening a session", () => undefined],
  ["driving a trusted caller's session", () => session],
])("a refused token, %s", (_what, sessionId) => {
  it.each(corpus)("%s", async (_case, token, reason) => {
    const bad = await token();
    const before = gw.received().length;
    const logged = gw.requests().length;
    const answer = await postMessage(gw.secure, sessionId(), bad, callTool(9, "printEnv"));
    if (bad.length > MAX_TOKEN_LENGTH) {
      // Node refuses a header section this large before the gateway sees the request.
      expect(answer.status).toBe(431);
      return;
    }
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe(`authentication failure: ${reason}`);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token", /);
    expect(answer.headers.get("mcp-session-id")).toBeNull();
    expect(gw.requests().slice(logged)).toMatchObject([{ status: 401, reason, denied: true }]);
    expect(gw.received().length).toBe(before);
    expect(toolReached(gw.received(), "printEnv")).toBe(false);
  });
});

it("the trusted caller's session still works after every attack on it", async () => {
  const answer = await postMessage(
    gw.secure,
    session,
    await sign(keys.ec, claims()),
    callTool(3, "echo"),
  );
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({ id: 3, result: {} });
});
