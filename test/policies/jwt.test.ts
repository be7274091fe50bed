import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  openKeySource,
  TokenVerifier,
  type KeySource,
  type KeySourceOptions,
  type ProviderSpec,
} from "../../src/main/gateway/policies/jwt";
import { cacheLifetimeMs } from "../../src/main/gateway/policies/jwt/cache-lifetime";
import {
  AUDIENCE,
  claims,
  everyRejection,
  hostileTokens,
  ISSUER,
  jwks,
  makeKey,
  nowSeconds,
  sign,
  type CorpusKeys,
  type TestKey,
} from "../auth/token-corpus";

const notices: { level: string; message: string }[] = [];
const opened: KeySource[] = [];
const options = (extra: Partial<KeySourceOptions> = {}): KeySourceOptions => ({
  cwd: process.cwd(),
  onNotice: (level, message) => notices.push({ level, message }),
  ...extra,
});

async function open(spec: Parameters<typeof openKeySource>[0], extra?: Partial<KeySourceOptions>) {
  const source = await openKeySource(spec, options(extra));
  opened.push(source);
  return source;
}

/** A KeySource that counts lookups, and whose version a test can move. */
function counting(source: KeySource) {
  let bump = 0;
  const counted = {
    finds: 0,
    bumpVersion: () => bump++,
    find(kid: string) {
      counted.finds++;
      return source.find(kid);
    },
    get version() {
      return source.version + bump;
    },
    get unavailable() {
      return source.unavailable;
    },
    close: () => source.close(),
  };
  return counted;
}

function verifier(keys: KeySource, extra: Partial<ProviderSpec> = {}, tolerance?: number) {
  return new TokenVerifier([{ issuer: ISSUER, audiences: [AUDIENCE], keys, ...extra }], {
    clockToleranceSeconds: tolerance,
  });
}

async function reasonFor(verifying: TokenVerifier, token: string): Promise<string> {
  const result = await verifying.verify(token);
  if (result.ok) throw new Error("the token verified, a rejection was expected");
  return result.reason;
}

let rsa: TestKey;
let ec: TestKey;
let ed: TestKey;
let attacker: TestKey;
/** Filled in once the keys exist: the corpus reads it only when it makes a token. */
const corpusKeys = {} as CorpusKeys;

beforeAll(async () => {
  [rsa, ec, ed, attacker] = await Promise.all([
    makeKey("RS256", "rsa"),
    makeKey("ES256", "ec"),
    makeKey("EdDSA", "ed"),
    makeKey("RS256", "attacker"),
  ]);
  Object.assign(corpusKeys, { rsa, ec, attacker });
});

afterEach(async () => {
  vi.useRealTimers();
  notices.length = 0;
  await Promise.all(opened.splice(0).map((source) => source.close()));
});

// ---------------------------------------------------------------------------------------------

describe("TokenVerifier: valid tokens", () => {
  it.each(["RS256", "ES256", "EdDSA"])(
    "verifies an %s token and returns its claims",
    async (alg) => {
      const key = { RS256: rsa, ES256: ec, EdDSA: ed }[alg] as TestKey;
      const keys = await open(jwks(rsa, ec, ed));
      const exp = nowSeconds() + 600;
      const result = await verifier(keys).verify(await sign(key, claims({ exp, role: "admin" })));
      expect(result).toEqual({
        ok: true,
        claims: expect.objectContaining({ iss: ISSUER, sub: "alice", role: "admin", exp }),
        issuer: ISSUER,
        subject: "alice",
        expiresAt: exp,
      });
    },
  );

  it("lets an RSA key without `alg` verify the PS family too", async () => {
    const pss = await makeKey("PS256", "pss");
    const keys = await open(jwks(pss));
    const result = await verifier(keys).verify(await sign(pss));
    expect(result.ok).toBe(true);
  });

  it("accepts an audience list that names one accepted audience", async () => {
    const keys = await open(jwks(ec));
    const token = await sign(ec, claims({ aud: ["someone-else", "mcp"] }));
    const result = await verifier(keys, { audiences: [AUDIENCE, "mcp"] }).verify(token);
    expect(result.ok).toBe(true);
  });

  it("checks no audience when the provider lists none", async () => {
    const keys = await open(jwks(ec));
    const token = await sign(ec, claims({ aud: undefined }));
    expect((await verifier(keys, { audiences: undefined }).verify(token)).ok).toBe(true);
  });

  it("tolerates 30 s of clock skew on exp and nbf by default", async () => {
    const keys = await open(jwks(ec));
    const now = nowSeconds();
    const check = verifier(keys);
    expect((await check.verify(await sign(ec, claims({ exp: now - 20 })))).ok).toBe(true);
    expect((await check.verify(await sign(ec, claims({ nbf: now + 20 })))).ok).toBe(true);
  });

  it("picks the provider by the token's issuer", async () => {
    const keysA = await open(jwks(rsa));
    const keysB = await open(jwks(ec));
    const check = new TokenVerifier([
      { issuer: "a", keys: keysA },
      { issuer: "b", keys: keysB, audiences: ["b-aud"] },
    ]);
    const result = await check.verify(await sign(ec, claims({ iss: "b", aud: "b-aud" })));
    expect(result).toMatchObject({ ok: true, issuer: "b" });
  });

  it("refuses two providers with the same issuer", async () => {
    const keys = await open(jwks(rsa));
    expect(
      () =>
        new TokenVerifier([
          { issuer: "a", keys },
          { issuer: "a", keys },
        ]),
    ).toThrow('two jwtAuth providers have the issuer "a"');
  });
});

describe("TokenVerifier: every rejection reason", () => {
  let check: TokenVerifier;
  beforeAll(async () => {
    check = verifier(await openKeySource(jwks(rsa, ec), options()));
  });

  it.each(everyRejection(corpusKeys))("%s", async (_case, token, reason) => {
    expect(await reasonFor(check, await token())).toBe(reason);
  });

  it("names each audience the provider accepts", async () => {
    const keys = await open(jwks(ec));
    const token = await sign(ec, claims({ aud: "x" }));
    expect(await reasonFor(verifier(keys, { audiences: ["a", "b"] }), token)).toBe(
      'the token audience "x" is not accepted (expected one of: a, b)',
    );
  });

  it("requires the configured claims, which replace the default exp", async () => {
    const keys = await open(jwks(ec));
    const check = verifier(keys, { requiredClaims: ["exp", "tenant"] });
    expect(await reasonFor(check, await sign(ec))).toBe('the token is missing the claim "tenant"');
    const noExp = await sign(ec, claims({ exp: undefined }));
    expect((await verifier(keys, { requiredClaims: [] }).verify(noExp)).ok).toBe(true);
  });

  it("says why no keys are available when the JWKS URL could never be fetched", async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/jwks`;
    const keys = await open({ url });
    expect(await reasonFor(verifier(keys), await sign(ec))).toBe(
      `no keys are available for issuer "${ISSUER}": the JWKS at ${url} could not be fetched: ECONNREFUSED`,
    );
  });
});

describe("TokenVerifier: agentgateway interop fixtures", () => {
  const fixtures = new URL("../../../shared/fixtures/agentgateway/", import.meta.url);
  const fixture = (name: string) => readFileSync(new URL(name, fixtures), "utf8").trim();
  const provider = { issuer: "agentgateway.dev", audiences: ["test.agentgateway.dev"] };

  it("verifies example1.key and gives its documented claims", async () => {
    const keys = await open(fixture("pub-key"));
    const result = await new TokenVerifier([{ ...provider, keys }]).verify(fixture("example1.key"));
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({
        iss: "agentgateway.dev",
        aud: "test.agentgateway.dev",
        sub: "test-user",
        exp: 1900650294,
        field1: "value1",
        nested: { key: "value" },
        list: ["apple", "banana"],
      }),
      issuer: "agentgateway.dev",
      subject: "test-user",
      expiresAt: 1900650294,
    });
  });

  it("verifies example2.key (no extra claims) from the pub-key file, relative to cwd", async () => {
    const keys = await open({ file: "pub-key" }, { cwd: fileURLToPath(fixtures) });
    const result = await new TokenVerifier([{ ...provider, keys }]).verify(fixture("example2.key"));
    expect(result).toMatchObject({ ok: true, subject: "test-user", expiresAt: 1900650294 });
    if (result.ok) expect(result.claims).not.toHaveProperty("field1");
  });

  it("rejects the fixture tokens for another audience", async () => {
    const keys = await open(fixture("pub-key"));
    const check = new TokenVerifier([{ ...provider, audiences: ["elsewhere"], keys }]);
    expect(await reasonFor(check, fixture("example1.key"))).toBe(
      'the token audience "test.agentgateway.dev" is not accepted (expected one of: elsewhere)',
    );
  });
});

describe("TokenVerifier: hostile tokens", () => {
  let check: TokenVerifier;
  let server: JwksServer;
  beforeAll(async () => {
    check = verifier(await openKeySource(jwks(rsa, ec), options()));
    server = await serveJwks(jwks(attacker));
    return () => server.close();
  });

  it.each(hostileTokens(corpusKeys, () => server.url))("%s", async (_case, token, reason) => {
    expect(await reasonFor(check, await token())).toBe(reason);
  });

  it("never fetches a jku or x5u URL", async () => {
    await check.verify(await sign(attacker, claims(), { jku: server.url, x5u: server.url }));
    expect(server.hits).toBe(0);
  });

  it("rejects a token signed with another provider's key", async () => {
    const twoIssuers = new TokenVerifier([
      { issuer: "a", keys: await open(jwks(rsa)) },
      { issuer: "b", keys: await open(jwks(ec)) },
    ]);
    // b's key and kid, a's issuer: a does not know the kid.
    expect(await reasonFor(twoIssuers, await sign(ec, claims({ iss: "a" })))).toBe(
      'token uses the unknown key "ec"',
    );
    // b's key posing as a's kid: the signature does not match a's key.
    const posing = await sign({ ...ec, alg: "ES256", kid: "rsa" }, claims({ iss: "a" }));
    expect(await reasonFor(twoIssuers, posing)).toBe(
      'the token algorithm "ES256" is not allowed for key "rsa"',
    );
    const sameType = await makeKey("RS256", "rsa");
    expect(await reasonFor(twoIssuers, await sign(sameType, claims({ iss: "a" })))).toBe(
      "the token signature is invalid",
    );
  });

  it("holds a JWK's own alg to that one algorithm", async () => {
    const pss = await makeKey("PS256", "pinned");
    const pinned = await open(jwks({ ...pss.jwk, alg: "RS256" }));
    const token = await sign(pss);
    expect(await reasonFor(verifier(pinned), token)).toBe(
      'the token algorithm "PS256" is not allowed for key "pinned"',
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("key sources: loading", () => {
  it.each<[string, string, string]>([
    ["invalid JSON", "{ nope", "the inline jwks is not valid JSON: "],
    [
      "not a JWKS",
      '{"kty":"EC"}',
      'the inline jwks is not a JWKS: expected an object with a "keys" list',
    ],
  ])("refuses %s", async (_case, text, message) => {
    await expect(openKeySource(text, options())).rejects.toThrow(message);
  });

  it("accepts an empty JWKS (a keystore with every key deleted) and trusts no token", async () => {
    const source = await openKeySource('{"keys":[]}', options());
    expect(await source.find("any-kid")).toBeUndefined();
    expect(source.unavailable).toBeUndefined();
    await source.close();
  });

  it("refuses an HMAC (kty oct) key with a clear message", async () => {
    const text = jwks({ kty: "oct", kid: "shared", k: "c2VjcmV0" });
    await expect(openKeySource(text, options())).rejects.toThrow(
      'the inline jwks: key "shared" is a shared secret (kty "oct"): tokens are verified with public keys only, never HMAC secrets',
    );
  });

  it("refuses private key material", async () => {
    const privateJwk = { ...(await exportJWK(ec.privateKey)), kid: "leaked" };
    await expect(openKeySource(jwks(privateJwk), options())).rejects.toThrow(
      'the inline jwks: key "leaked" holds private key material ("d"): a JWKS for verification must contain public keys only',
    );
  });

  it("refuses a JWKS whose keys are all unusable, saying why for each", async () => {
    const shortRsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({
      format: "jwk",
    });
    const text = jwks(
      { ...rsa.jwk, kid: "enc", use: "enc" },
      { ...ec.jwk, kid: undefined },
      { kty: "OKP", crv: "X25519", kid: "x", x: "AAAA" },
      { kty: "EC", crv: "constructor", kid: "proto", x: "AAAA", y: "AAAA" },
      { ...ec.jwk, kid: "wrong-alg", alg: "HS256" },
      { ...shortRsa, kid: "short" },
    );
    await expect(openKeySource(text, options())).rejects.toThrow(
      'the inline jwks has no usable keys: key "enc" is not a signature key (use "enc"); ' +
        'key #2 has no "kid", so no token can select it; ' +
        'key "x" has an unsupported key type (kty "OKP", crv "X25519"); ' +
        'key "proto" has an unsupported key type (kty "EC", crv "constructor"); ' +
        'key "wrong-alg" declares alg "HS256", which is not a signature algorithm for its key type; ' +
        'key "short" is an RSA key of 1024 bits (2048 at least)',
    );
  });

  it("keeps the usable keys and warns about the others", async () => {
    const keys = await open(jwks(ec, { ...rsa.jwk, kid: undefined }));
    expect(await keys.find("ec")).toMatchObject({ kid: "ec", algorithms: ["ES256"] });
    expect(notices).toEqual([
      {
        level: "warn",
        message: 'the inline jwks: key #2 has no "kid", so no token can select it (ignored)',
      },
    ]);
  });

  it("pins algorithms by key type", async () => {
    const p384 = await makeKey("ES384", "p384");
    const keys = await open(jwks(rsa, ec, ed, p384));
    const algorithms = async (kid: string) => (await keys.find(kid))?.algorithms;
    expect(await algorithms("rsa")).toEqual(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
    expect(await algorithms("ec")).toEqual(["ES256"]);
    expect(await algorithms("p384")).toEqual(["ES384"]);
    expect(await algorithms("ed")).toEqual(["EdDSA", "Ed25519"]);
  });

  it("names the file it cannot read, resolved against cwd", async () => {
    const dir = await tempDir();
    await expect(openKeySource({ file: "missing.json" }, options({ cwd: dir }))).rejects.toThrow(
      `the JWKS file "${join(dir, "missing.json")}" cannot be read (ENOENT)`,
    );
  });

  it("names the file whose JWKS is broken", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "keys.json"), '{"keys": 1}');
    await expect(openKeySource({ file: "keys.json" }, options({ cwd: dir }))).rejects.toThrow(
      `the JWKS file "${join(dir, "keys.json")}" is not a JWKS`,
    );
  });

  it("refuses a URL that is not http(s)", async () => {
    await expect(openKeySource({ url: "file:///etc/passwd" }, options())).rejects.toThrow(
      'the JWKS URL "file:///etc/passwd" is not an http or https URL',
    );
  });
});

describe("key sources: a JWKS file", () => {
  it("reloads when the file is edited, and counts a new version", async () => {
    const dir = await tempDir();
    const path = join(dir, "keys.json");
    await writeFile(path, jwks(rsa));
    const keys = await open({ file: "keys.json" }, { cwd: dir });
    const check = verifier(keys);
    expect((await check.verify(await sign(rsa))).ok).toBe(true);

    await writeFile(path, jwks(ec));
    await vi.waitFor(() => expect(keys.version).toBe(1), { timeout: 5000 });
    expect((await check.verify(await sign(ec))).ok).toBe(true);
    expect(await reasonFor(check, await sign(rsa))).toBe('token uses the unknown key "rsa"');
    expect(notices).toContainEqual({
      level: "info",
      message: `the JWKS file "${path}" changed, now 1 key ("ec")`,
    });
  });

  it("reloads after an editor's atomic save (write elsewhere, rename over)", async () => {
    const dir = await tempDir();
    const path = join(dir, "keys.json");
    await writeFile(path, jwks(rsa));
    const keys = await open({ file: path }, { cwd: "/" });
    await writeFile(join(dir, "keys.json.tmp"), jwks(rsa, ed));
    await rename(join(dir, "keys.json.tmp"), path);
    await vi.waitFor(async () => expect(await keys.find("ed")).toBeDefined(), { timeout: 5000 });
  });

  it("keeps the previous keys after an invalid edit, and reports it", async () => {
    const dir = await tempDir();
    const path = join(dir, "keys.json");
    await writeFile(path, jwks(rsa));
    const keys = await open({ file: "keys.json" }, { cwd: dir });

    await writeFile(path, '{"keys": [');
    await vi.waitFor(() => expect(notices.some((n) => n.level === "error")).toBe(true), {
      timeout: 5000,
    });
    expect(notices.find((n) => n.level === "error")?.message).toMatch(
      new RegExp(
        `^the JWKS file "${path}" is not valid JSON: .*; the keys loaded before stay in use$`,
      ),
    );
    expect(keys.version).toBe(0);
    expect((await verifier(keys).verify(await sign(rsa))).ok).toBe(true);
  });
});

describe("key sources: a JWKS URL", () => {
  let server: JwksServer;
  afterEach(() => server?.close());

  it("fetches once at open and then answers from its cache", async () => {
    server = await serveJwks(jwks(rsa, ec));
    const keys = await open({ url: server.url });
    const check = verifier(keys);
    for (const key of [rsa, ec, rsa, ec])
      expect((await check.verify(await sign(key))).ok).toBe(true);
    expect(server.hits).toBe(1);
    expect(keys.unavailable).toBeUndefined();
    expect(notices).toEqual([
      { level: "info", message: `the JWKS at ${server.url} has 2 keys ("rsa", "ec")` },
    ]);
  });

  it("picks up a rotated key with one refetch, at most one per 10 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    server = await serveJwks(jwks(rsa));
    const keys = await open({ url: server.url });
    const check = verifier(keys);
    expect(server.hits).toBe(1);

    server.body = jwks(rsa, ec);
    // Right after a fetch: an unknown kid does not refetch yet.
    expect(await reasonFor(check, await sign(ec))).toBe('token uses the unknown key "ec"');
    expect(server.hits).toBe(1);

    vi.setSystemTime(Date.now() + 10_000);
    expect((await check.verify(await sign(ec))).ok).toBe(true);
    expect(server.hits).toBe(2);
    expect(keys.version).toBe(2);

    // Junk kids, all at once and one after another: no more fetches inside the 10 s.
    const junk = await Promise.all(["j1", "j2", "j3"].map((kid) => sign({ ...ec, kid })));
    await Promise.all(junk.map((token) => check.verify(token)));
    vi.setSystemTime(Date.now() + 9_000);
    for (const token of junk) await check.verify(token);
    expect(server.hits).toBe(2);

    vi.setSystemTime(Date.now() + 1_000);
    await Promise.all(junk.map((token) => check.verify(token)));
    expect(server.hits).toBe(3);
    expect(keys.version).toBe(2);
  });

  it("keeps serving the cached keys when a refresh fails", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    server = await serveJwks(jwks(rsa));
    const keys = await open({ url: server.url });
    const check = verifier(keys);

    server.status = 500;
    vi.setSystemTime(Date.now() + 10_000);
    expect(await reasonFor(check, await sign(ec))).toBe('token uses the unknown key "ec"');
    expect(server.hits).toBe(2);
    expect(notices.at(-1)).toEqual({
      level: "warn",
      message: `the JWKS at ${server.url} could not be fetched: HTTP 500; the keys fetched before stay in use`,
    });

    // The same failure again is not told again; a different one is.
    vi.setSystemTime(Date.now() + 10_000);
    await check.verify(await sign(ec));
    expect(server.hits).toBe(3);
    expect(notices).toHaveLength(2);
    server.status = 200;
    server.body = "<html>maintenance</html>";
    vi.setSystemTime(Date.now() + 10_000);
    await check.verify(await sign(ec));
    expect(notices.at(-1)?.message).toMatch(
      /is not valid JSON: .*; the keys fetched before stay in use$/,
    );

    expect(keys.unavailable).toBeUndefined();
    expect((await check.verify(await sign(rsa))).ok).toBe(true);

    server.body = jwks(rsa);
    vi.setSystemTime(Date.now() + 10_000);
    await check.verify(await sign(ec));
    expect(notices.at(-1)).toEqual({
      level: "info",
      message: `the JWKS at ${server.url} can be fetched again`,
    });
  });

  it("starts without keys when the URL fails, and recovers once it answers", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    server = await serveJwks(jwks(rsa));
    server.status = 503;
    const keys = await open({ url: server.url });
    const why = `the JWKS at ${server.url} could not be fetched: HTTP 503`;
    expect(keys.unavailable).toBe(why);
    expect(notices).toEqual([{ level: "error", message: why }]);
    const check = verifier(keys);
    expect(await reasonFor(check, await sign(rsa))).toBe(
      `no keys are available for issuer "${ISSUER}": ${why}`,
    );

    server.status = 200;
    vi.setSystemTime(Date.now() + 10_000);
    expect((await check.verify(await sign(rsa))).ok).toBe(true);
    expect(keys.unavailable).toBeUndefined();
  });

  it("gives up on a JWKS server that does not answer in time", async () => {
    server = await serveJwks(jwks(rsa));
    server.stall = true;
    const keys = await open({ url: server.url }, { fetchTimeoutMs: 200 });
    expect(keys.unavailable).toBe(
      `the JWKS at ${server.url} could not be fetched: no answer within 200 ms`,
    );
  });

  it("refuses a key set too large to be one, without holding it in memory", async () => {
    server = await serveJwks(" ".repeat(2 * 1024 * 1024));
    const keys = await open({ url: server.url });
    expect(keys.unavailable).toBe(
      `the JWKS at ${server.url} could not be fetched: the key set is over 1048576 bytes`,
    );
  });

  it("reads the cache lifetime from Cache-Control, within 60 s .. 24 h", () => {
    expect(cacheLifetimeMs(null)).toBe(300_000);
    expect(cacheLifetimeMs("public")).toBe(300_000);
    expect(cacheLifetimeMs("public, max-age=3600")).toBe(3_600_000);
    expect(cacheLifetimeMs("max-age=5")).toBe(60_000);
    expect(cacheLifetimeMs("no-store")).toBe(60_000);
    expect(cacheLifetimeMs("s-maxage=10, max-age=31536000")).toBe(86_400_000);
  });
});

// ---------------------------------------------------------------------------------------------

describe("TokenVerifier: the verified-token cache", () => {
  it("verifies a token once, then answers from the cache", async () => {
    const keys = counting(await open(jwks(ec)));
    const check = verifier(keys);
    const token = await sign(ec);
    const first = await check.verify(token);
    const second = await check.verify(token);
    expect(second).toBe(first);
    expect(keys.finds).toBe(1);
    if (second.ok) expect(Object.isFrozen(second.claims)).toBe(true);
  });

  it("rejects a cached token once it expires, without another lookup", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const keys = counting(await open(jwks(ec)));
    const check = verifier(keys, {}, 0);
    const token = await sign(ec, claims({ exp: nowSeconds() + 60 }));
    expect((await check.verify(token)).ok).toBe(true);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await reasonFor(check, token)).toBe("the token has expired");
    expect(keys.finds).toBe(1);
  });

  it("verifies again when the key source's version changed", async () => {
    const keys = counting(await open(jwks(ec)));
    const check = verifier(keys);
    const token = await sign(ec);
    await check.verify(token);
    keys.bumpVersion();
    expect((await check.verify(token)).ok).toBe(true);
    expect(keys.finds).toBe(2);
    await check.verify(token);
    expect(keys.finds).toBe(2);
  });

  it("does not cache rejections", async () => {
    const keys = counting(await open(jwks(ec)));
    const check = verifier(keys);
    const token = await sign(ec, claims({ aud: "other" }));
    await check.verify(token);
    await check.verify(token);
    expect(keys.finds).toBe(2);
  });

  it("holds at most cacheSize tokens, dropping the least recently used", async () => {
    const keys = counting(await open(jwks(ec)));
    const check = new TokenVerifier([{ issuer: ISSUER, keys }], { cacheSize: 2 });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((sub) => sign(ec, claims({ sub }))));
    for (const token of [a, b, a, c]) await check.verify(token as string);
    expect(keys.finds).toBe(3);
    await check.verify(a as string); // used more recently than b: still cached
    expect(keys.finds).toBe(3);
    await check.verify(b as string); // dropped for c
    expect(keys.finds).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers with sockets and files

interface JwksServer {
  url: string;
  body: string;
  status: number;
  /** Accept requests and never answer. */
  stall: boolean;
  hits: number;
  close(): Promise<void>;
}

async function serveJwks(body: string): Promise<JwksServer> {
  const server: Server = createServer((_req, res) => {
    state.hits++;
    if (state.stall) return;
    res.writeHead(state.status, { "content-type": "application/json" }).end(state.body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const state: JwksServer = {
    url: `http://127.0.0.1:${port}/jwks`,
    body,
    status: 200,
    stall: false,
    hits: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
  return state;
}

/** A port nothing listens on: bound once, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-jwt-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
