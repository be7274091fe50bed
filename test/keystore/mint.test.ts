import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdentityStore, type Identity } from "../../src/main/keystore/identities";
import { Keystore } from "../../src/main/keystore/keystore";
import { KeystoreError } from "../../src/main/keystore/keystore-error";
import { mintToken, parseTtl, type MintRequest } from "../../src/main/keystore/mint";
import { MemorySecretStore } from "./memory-secret-store";

const ISSUER = "gatehouse.test";
const AUDIENCE = "mcp";

let dataDir: string;
let keystore: Keystore;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "gatehouse-mint-"));
  keystore = await Keystore.open({ dataDir, secrets: new MemorySecretStore() });
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const request = (overrides: Partial<MintRequest> = {}): MintRequest => ({
  claims: { sub: "alice" },
  issuer: ISSUER,
  audience: AUDIENCE,
  ttlSeconds: 600,
  ...overrides,
});

/** Verifies as the gateway would: against the keystore's JWKS, for this issuer and audience. */
const verify = (token: string) =>
  jwtVerify(token, createLocalJWKSet(keystore.exportJwks()), {
    issuer: ISSUER,
    audience: AUDIENCE,
  });

describe("mintToken", () => {
  it.each(["ES256", "EdDSA", "RS256"] as const)(
    "mints %s tokens that verify against the exported JWKS",
    async (alg) => {
      const key = await keystore.create({ alg });
      const before = Math.floor(Date.now() / 1000);
      const minted = await mintToken(
        keystore,
        request({ claims: { sub: "alice", team: "dev", roles: ["reader"], org: { id: 7 } } }),
      );

      const { payload, protectedHeader } = await verify(minted.token);
      expect(protectedHeader).toEqual({ alg, kid: key.kid, typ: "JWT" });
      expect(payload).toEqual({
        iss: ISSUER,
        sub: "alice",
        aud: AUDIENCE,
        team: "dev",
        roles: ["reader"],
        org: { id: 7 },
        iat: expect.any(Number),
        nbf: payload.iat,
        exp: (payload.iat ?? 0) + 600,
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(minted.claims).toEqual(payload);
      expect(minted.kid).toBe(key.kid);
      expect(minted.expiresAt.getTime()).toBe((payload.exp ?? 0) * 1000);
    },
  );

  it("gives every token its own jti, an audience list as given, and no aud when none is given", async () => {
    await keystore.create({ alg: "ES256" });
    const first = await mintToken(keystore, request({ audience: [AUDIENCE, "other"] }));
    const second = await mintToken(keystore, request({ audience: undefined }));

    expect(first.claims.aud).toEqual([AUDIENCE, "other"]);
    expect((await verify(first.token)).payload.aud).toEqual([AUDIENCE, "other"]);
    expect(second.claims).not.toHaveProperty("aud");
    expect(second.claims.jti).not.toBe(first.claims.jti);
  });

  it.each(["iat", "nbf", "exp", "jti", "iss", "aud"])(
    "refuses %s among the claims, naming it",
    async (claim) => {
      await keystore.create({ alg: "ES256" });
      await expect(
        mintToken(keystore, request({ claims: { sub: "alice", [claim]: 1 } })),
      ).rejects.toThrow(`may not set "${claim}"`);
    },
  );

  it("refuses a token without a subject, or with a subject that is not a string", async () => {
    await keystore.create({ alg: "ES256" });
    await expect(mintToken(keystore, request({ claims: {} }))).rejects.toThrow(
      "the token needs a subject",
    );
    await expect(mintToken(keystore, request({ claims: { sub: 42 } }))).rejects.toThrow(
      '"sub" that is not a non-empty string',
    );
  });

  it("refuses claims that are not JSON, an empty issuer, a bad audience or ttl", async () => {
    await keystore.create({ alg: "ES256" });
    const refused: [Partial<MintRequest>, string][] = [
      [{ claims: { sub: "a", when: new Date() } }, "claims.when is a Date"],
      [{ claims: { sub: "a", n: [1, Number.NaN] } }, "claims.n[1] is NaN"],
      [{ claims: { sub: "a", f: () => 1 } }, "claims.f is a Function"],
      [{ issuer: "" }, "needs an issuer"],
      [{ audience: [] }, "audience must be"],
      [{ ttlSeconds: 0 }, "positive whole number"],
      [{ ttlSeconds: 1.5 }, "positive whole number"],
      [{ ttlSeconds: 31 * 24 * 3600 }, "maximum of 30d"],
    ];
    for (const [overrides, message] of refused) {
      await expect(mintToken(keystore, request(overrides)), message).rejects.toThrow(message);
    }
  });

  it("says so when there is no key to sign with", async () => {
    await expect(mintToken(keystore, request())).rejects.toThrow(
      "no active signing key: create one with `gatehouse keys create`",
    );
  });

  it("keeps old tokens of a retired key valid, signs new ones with the next key, and stops trusting a deleted key", async () => {
    const old = await keystore.create({ alg: "ES256", label: "old" });
    const oldToken = (await mintToken(keystore, request())).token;
    const next = await keystore.create({ alg: "EdDSA", label: "next" });
    await keystore.retire(next.kid);

    expect(decodeProtectedHeader((await mintToken(keystore, request())).token).kid).toBe(old.kid);
    await keystore.retire(old.kid);
    await expect(mintToken(keystore, request())).rejects.toThrow("no active signing key");
    await expect(verify(oldToken)).resolves.toBeDefined();

    const newest = await keystore.create({ alg: "RS256", label: "newest" });
    const newToken = await mintToken(keystore, request());
    expect(newToken.kid).toBe(newest.kid);
    await expect(verify(newToken.token)).resolves.toBeDefined();

    await keystore.delete(old.kid);
    await expect(verify(oldToken)).rejects.toThrow();
    await expect(verify(newToken.token)).resolves.toBeDefined();
  });
});

describe("parseTtl", () => {
  it.each([
    ["3600", 3600],
    ["30s", 30],
    ["15m", 900],
    ["1h", 3600],
    [" 8h ", 8 * 3600],
    ["7d", 7 * 86400],
    ["30d", 30 * 86400],
  ])("reads %j as %i seconds", (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  it.each(["", "1.5h", "-5m", "10 m", "1w", "h", "1H", "abc"])(
    "refuses %j, naming the forms",
    (text) => {
      expect(() => parseTtl(text)).toThrow('give seconds ("3600") or a number with s, m, h or d');
      expect(() => parseTtl(text)).toThrow(KeystoreError);
    },
  );

  it("refuses zero and more than 30 days", () => {
    expect(() => parseTtl("0m")).toThrow("positive whole number");
    expect(() => parseTtl("31d")).toThrow('the ttl "31d" is longer than the maximum of 30d');
    expect(() => parseTtl(String(30 * 86400 + 1))).toThrow("maximum of 30d");
    expect(() => parseTtl("99999999999999999999d")).toThrow("maximum of 30d");
  });
});

describe("IdentityStore", () => {
  const path = () => join(dataDir, "identities.json");

  it("saves identities across reopening, sorted by name, with sub defaulting to the name", async () => {
    const store = await IdentityStore.open(dataDir);
    await store.save({ name: "zoe", claims: { team: "ops" } });
    await store.save({
      name: "alice",
      claims: { sub: "alice@example.com", roles: ["reader", "writer"], org: { id: 7 } },
      issuer: "https://issuer.example",
      audience: ["mcp", "tools"],
    });

    const expected: Identity[] = [
      {
        name: "alice",
        claims: { sub: "alice@example.com", roles: ["reader", "writer"], org: { id: 7 } },
        issuer: "https://issuer.example",
        audience: ["mcp", "tools"],
      },
      { name: "zoe", claims: { sub: "zoe", team: "ops" } },
    ];
    expect(store.list()).toEqual(expected);
    expect((await IdentityStore.open(dataDir)).list()).toEqual(expected);
    expect(store.get("zoe")).toEqual(expected[1]);
    expect(store.get("nobody")).toBeUndefined();
    expect(await readFile(path(), "utf8")).toBe(
      `${JSON.stringify({ identities: expected }, null, 2)}\n`,
    );
  });

  it("replaces an identity of the same name and removes one", async () => {
    const store = await IdentityStore.open(dataDir);
    await store.save({ name: "bob", claims: { team: "dev" } });
    await store.save({ name: "bob", claims: { team: "ops" }, audience: "mcp" });
    expect(store.list()).toEqual([
      { name: "bob", claims: { sub: "bob", team: "ops" }, audience: "mcp" },
    ]);

    expect(await store.remove("bob")).toBe(true);
    expect(await store.remove("bob")).toBe(false);
    expect((await IdentityStore.open(dataDir)).list()).toEqual([]);
  });

  it("returns copies, so that a caller cannot change what is saved", async () => {
    const store = await IdentityStore.open(dataDir);
    await store.save({ name: "carol", claims: { roles: ["reader"] } });
    (store.get("carol")?.claims.roles as string[]).push("admin");
    expect(store.get("carol")?.claims.roles).toEqual(["reader"]);
  });

  it("keeps identities that another store saved meanwhile", async () => {
    const first = await IdentityStore.open(dataDir);
    const second = await IdentityStore.open(dataDir);
    await first.save({ name: "a", claims: {} });
    await second.save({ name: "b", claims: {} });
    await first.save({ name: "c", claims: {} });
    expect(first.list().map((identity) => identity.name)).toEqual(["a", "b", "c"]);
  });

  it.each([
    [{ name: "", claims: {} }, "may hold only letters, digits"],
    [{ name: "alice smith", claims: {} }, 'identity name "alice smith" may hold only'],
    [{ name: "a/b", claims: {} }, "may hold only"],
    [{ name: "x".repeat(101), claims: {} }, "at most 100"],
    [{ name: "a", claims: [] }, "the claims of identity a must be a JSON object"],
    [{ name: "a", claims: null }, "must be a JSON object"],
    [{ name: "a", claims: { exp: 1 } }, 'may not set "exp"'],
    [{ name: "a", claims: { sub: "" } }, '"sub" that is not a non-empty string'],
    [{ name: "a", claims: { x: undefined } }, "claims.x is undefined"],
    [{ name: "a", claims: {}, issuer: "" }, "the issuer of identity a"],
    [{ name: "a", claims: {}, audience: ["ok", 3] }, "the audience of identity a"],
  ])("refuses %j", async (identity, message) => {
    const store = await IdentityStore.open(dataDir);
    await expect(store.save(identity as unknown as Identity)).rejects.toThrow(message);
    expect(store.list()).toEqual([]);
  });

  it("accepts names of letters, digits, -, _ and .", async () => {
    const store = await IdentityStore.open(dataDir);
    await store.save({ name: "ci-bot_2.test", claims: {} });
    expect(store.get("ci-bot_2.test")?.claims).toEqual({ sub: "ci-bot_2.test" });
  });

  it("names identities.json when it is damaged", async () => {
    await writeFile(path(), "[");
    await expect(IdentityStore.open(dataDir)).rejects.toThrow(`${path()} is not valid JSON`);
    await writeFile(path(), '{"identities": [{"name": "a b", "claims": {}}]}');
    await expect(IdentityStore.open(dataDir)).rejects.toThrow(
      `${path()} is damaged: identity name`,
    );
  });

  it("mints an identity's claims into a token", async () => {
    await keystore.create({ alg: "ES256" });
    const store = await IdentityStore.open(dataDir);
    await store.save({ name: "dana", claims: { team: "dev" } });

    const minted = await mintToken(keystore, request({ claims: store.get("dana")?.claims ?? {} }));
    expect((await verify(minted.token)).payload).toMatchObject({ sub: "dana", team: "dev" });
  });
});
