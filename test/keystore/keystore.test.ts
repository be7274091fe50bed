import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JWK,
} from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keystore, type KeyAlgorithm } from "../../src/main/keystore/keystore";
import { KeystoreError, missingSecretMessage } from "../../src/main/keystore/keystore-error";
import { MemorySecretStore } from "./memory-secret-store";

const FIXTURES = join(import.meta.dirname, "../../../shared/fixtures/agentgateway");

let dataDir: string;
let secrets: MemorySecretStore;
let keystore: Keystore;

beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), "gatehouse-keystore-")), "data");
  secrets = new MemorySecretStore();
  keystore = await Keystore.open({ dataDir, secrets });
});

afterEach(async () => {
  await rm(join(dataDir, ".."), { recursive: true, force: true });
});

const reopen = () => Keystore.open({ dataDir, secrets });

async function readJson(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(dataDir, name), "utf8"));
}

/** Every file the keystore wrote, with its content. */
async function filesOnDisk(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const names = await readdir(dataDir, { recursive: true }).catch(() => []);
  for (const name of names) {
    const path = join(dataDir, name);
    if ((await stat(path)).isFile()) files.set(name, await readFile(path, "utf8"));
  }
  return files;
}

function pem(key: KeyObject): string {
  return key.type === "private"
    ? (key.export({ type: "pkcs8", format: "pem" }) as string)
    : (key.export({ type: "spki", format: "pem" }) as string);
}

function jwkOf(key: KeyObject, extra: JWK = {}): string {
  return JSON.stringify({ ...(key.export({ format: "jwk" }) as JWK), ...extra });
}

const ecPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

/** A token signed by a key outside the keystore (a real issuer), to verify with its JWKS. */
async function foreignToken(privateKey: KeyObject, alg: string, kid: string): Promise<string> {
  return new SignJWT({ sub: "someone" })
    .setProtectedHeader({ alg, kid })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(privateKey);
}

async function verifiesWithKeystore(token: string): Promise<boolean> {
  return jwtVerify(token, createLocalJWKSet(keystore.exportJwks())).then(
    () => true,
    () => false,
  );
}

describe("creating keys", () => {
  const cases: { alg: KeyAlgorithm; bits?: 2048 | 3072; kty: string }[] = [
    { alg: "ES256", kty: "EC" },
    { alg: "EdDSA", kty: "OKP" },
    { alg: "RS256", bits: 2048, kty: "RSA" },
    { alg: "RS256", bits: 3072, kty: "RSA" },
  ];

  it.each(cases)("creates $alg $bits keys whose kid is the JWK thumbprint", async (c) => {
    const info = await keystore.create({ alg: c.alg, bits: c.bits, label: "  test key  " });

    expect(info).toEqual({
      kid: expect.any(String),
      alg: c.alg,
      ...(c.bits && { bits: c.bits }),
      label: "test key",
      created: expect.any(String),
      state: "active",
      canSign: true,
    });
    expect(Date.parse(info.created)).toBeGreaterThan(Date.now() - 60_000);
    const [published] = keystore.exportJwks().keys;
    expect(published).toMatchObject({ kty: c.kty, kid: info.kid, alg: c.alg, use: "sig" });
    expect(published).not.toHaveProperty("d");
    expect(info.kid).toBe(await calculateJwkThumbprint(published as JWK));

    const secret = JSON.parse(secrets.entries.get(info.kid) ?? "{}") as JWK;
    expect(secret).toMatchObject({ kty: c.kty, kid: info.kid, alg: c.alg, d: expect.any(String) });
    expect(await calculateJwkThumbprint(secret)).toBe(info.kid);
  });

  it("makes 2048-bit RSA keys unless told otherwise, and names keys by algorithm", async () => {
    expect(await keystore.create({ alg: "RS256" })).toMatchObject({
      bits: 2048,
      label: "RS256 signing key",
    });
    expect(await keystore.create({ alg: "ES256", label: " " })).not.toHaveProperty("bits");
    expect(keystore.list()[0]?.label).toBe("ES256 signing key");
  });

  it("lists keys newest first, also after reopening", async () => {
    const first = await keystore.create({ alg: "ES256", label: "first" });
    const second = await keystore.create({ alg: "EdDSA", label: "second" });

    expect(keystore.list()).toEqual([second, first]);
    expect((await reopen()).list()).toEqual([second, first]);
    expect((await reopen()).exportJwks()).toEqual(keystore.exportJwks());
  });

  it("writes no private key material to any file in the data folder", async () => {
    await keystore.create({ alg: "ES256" });
    await keystore.create({ alg: "EdDSA" });
    await keystore.create({ alg: "RS256" });
    await keystore.import(pem(ecPair().privateKey));
    await keystore.import(jwkOf(generateKeyPairSync("ed25519").privateKey));

    const files = await filesOnDisk();
    expect([...files.keys()].sort()).toEqual(["jwks.json", "keys.json"]);
    for (const [name, text] of files) {
      expect(text, name).not.toContain('"d"');
      expect(text, name).not.toContain("PRIVATE KEY");
    }
    expect(secrets.entries.size).toBe(5);
  });

  it("creates the data folder readable by its owner only", async () => {
    await keystore.create({ alg: "ES256" });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it("writes keys.json and jwks.json as readable JSON, the JWKS being what it exports", async () => {
    const info = await keystore.create({ alg: "ES256" });

    const jwksText = await readFile(keystore.jwksPath, "utf8");
    expect(keystore.jwksPath).toBe(join(dataDir, "jwks.json"));
    expect(jwksText).toBe(`${JSON.stringify(keystore.exportJwks(), null, 2)}\n`);
    expect(await readJson("keys.json")).toEqual({
      keys: [{ ...info, jwk: keystore.exportJwks().keys[0] }],
    });
  });

  it("refuses algorithms and sizes it does not make", async () => {
    const refused = [
      { alg: "HS256" as KeyAlgorithm },
      { alg: "none" as KeyAlgorithm },
      { alg: "ES256" as const, bits: 2048 as const },
      { alg: "RS256" as const, bits: 1024 as 2048 },
    ];
    for (const options of refused) {
      await expect(keystore.create(options), JSON.stringify(options)).rejects.toThrow(
        KeystoreError,
      );
    }
    expect(keystore.list()).toEqual([]);
  });

  it("adds nothing when the keychain refuses the private key", async () => {
    await keystore.create({ alg: "ES256" });
    const before = await filesOnDisk();
    secrets.locked = true;

    await expect(keystore.create({ alg: "ES256" })).rejects.toThrow("keychain is locked");

    expect(keystore.list()).toHaveLength(1);
    expect(await filesOnDisk()).toEqual(before);
    expect((await reopen()).list()).toHaveLength(1);
  });

  it("keeps every key when several are created at once, through one keystore or several", async () => {
    const other = await reopen();
    await Promise.all([
      keystore.create({ alg: "ES256", label: "a" }),
      keystore.create({ alg: "ES256", label: "b" }),
      other.create({ alg: "EdDSA", label: "c" }),
    ]);
    await keystore.create({ alg: "ES256", label: "d" });

    const labels = (await reopen()).list().map((key) => key.label);
    expect(labels.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("names keys.json when it is damaged", async () => {
    await keystore.create({ alg: "ES256" });
    await writeFile(join(dataDir, "keys.json"), '{"keys": [');
    await expect(reopen()).rejects.toThrow(`${join(dataDir, "keys.json")} is not valid JSON`);

    await writeFile(join(dataDir, "keys.json"), '{"keys": [{"kid": "x"}]}');
    await expect(reopen()).rejects.toThrow(`${join(dataDir, "keys.json")} is damaged: key #1`);
  });
});

describe("importing keys", () => {
  it("imports a PKCS#8 PEM private key as a signing key", async () => {
    const { privateKey, publicKey } = ecPair();
    const [info] = await keystore.import(pem(privateKey), { label: "from pem" });

    const thumbprint = await calculateJwkThumbprint(publicKey.export({ format: "jwk" }) as JWK);
    expect(info).toMatchObject({ kid: thumbprint, alg: "ES256", canSign: true, label: "from pem" });
    expect(JSON.parse(secrets.entries.get(thumbprint) ?? "{}")).toHaveProperty("d");
    expect((await keystore.signingKey()).info.kid).toBe(thumbprint);
  });

  it("imports an RSA PKCS#8 key of any size from 2048 bits", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 4096 });
    const [info] = await keystore.import(pem(privateKey));
    expect(info).toMatchObject({ alg: "RS256", bits: 4096, canSign: true });
  });

  it("imports a private JWK as a signing key, keeping its kid", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const [info] = await keystore.import(jwkOf(privateKey, { kid: "my-ed-key", alg: "EdDSA" }));

    expect(info).toMatchObject({ kid: "my-ed-key", alg: "EdDSA", canSign: true });
    expect(info?.label).toBe("EdDSA signing key");
    expect(secrets.entries.has("my-ed-key")).toBe(true);
  });

  it("imports an issuer's public JWK under its own kid, so that its tokens verify", async () => {
    const { privateKey, publicKey } = ecPair();
    const [info] = await keystore.import(jwkOf(publicKey, { kid: "issuer-2024", use: "sig" }));

    expect(info).toMatchObject({ kid: "issuer-2024", alg: "ES256", canSign: false });
    expect(info?.label).toBe("ES256 public key");
    expect(secrets.entries.size).toBe(0);
    expect(await verifiesWithKeystore(await foreignToken(privateKey, "ES256", "issuer-2024"))).toBe(
      true,
    );
  });

  it("imports an SPKI PEM public key under its thumbprint", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const [info] = await keystore.import(pem(publicKey));

    const thumbprint = await calculateJwkThumbprint(publicKey.export({ format: "jwk" }) as JWK);
    expect(info).toMatchObject({ kid: thumbprint, alg: "RS256", bits: 2048, canSign: false });
  });

  it("imports every key of a JWKS", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const ed = generateKeyPairSync("ed25519").publicKey;
    const jwks = {
      keys: [
        { ...(rsa.export({ format: "jwk" }) as JWK), kid: "r1", alg: "RS256" },
        { ...(ed.export({ format: "jwk" }) as JWK), kid: "e1", alg: "Ed25519" },
      ],
    };
    const infos = await keystore.import(JSON.stringify(jwks), { label: "upstream" });

    expect(infos.map((info) => [info.kid, info.alg, info.label])).toEqual([
      ["r1", "RS256", "upstream"],
      ["e1", "EdDSA", "upstream"],
    ]);
    expect(keystore.exportJwks().keys.map((key) => [key.kid, key.alg, key.use])).toEqual([
      ["r1", "RS256", "sig"],
      ["e1", "EdDSA", "sig"],
    ]);
  });

  it("verifies agentgateway's own tokens once its JWKS is imported", async () => {
    const [info] = await keystore.import(await readFile(join(FIXTURES, "pub-key"), "utf8"));
    expect(info).toMatchObject({
      kid: "XhO06x8JjWH1wwkWkyeEUxsooGEWoEdidEpwyd_hmuI",
      alg: "ES256",
      canSign: false,
    });

    const token = (await readFile(join(FIXTURES, "example1.key"), "utf8")).trim();
    const { payload } = await jwtVerify(token, createLocalJWKSet(keystore.exportJwks()), {
      issuer: "agentgateway.dev",
      audience: "test.agentgateway.dev",
    });
    expect(payload).toMatchObject({ sub: "test-user", field1: "value1" });
  });

  it("lets a public-only key sign once its private key is imported", async () => {
    const { privateKey, publicKey } = ecPair();
    const [publicInfo] = await keystore.import(jwkOf(publicKey, { kid: "upgrade-me" }));
    await expect(keystore.signingKey()).rejects.toThrow("no active signing key");

    const [upgraded] = await keystore.import(pem(privateKey));

    expect(upgraded).toEqual({ ...publicInfo, canSign: true });
    expect(keystore.list()).toEqual([upgraded]);
    expect(secrets.entries.has("upgrade-me")).toBe(true);
    expect((await keystore.signingKey()).info.kid).toBe("upgrade-me");
    expect((await reopen()).list()).toEqual([upgraded]);
  });

  it("refuses a key that is already in the keystore", async () => {
    const info = await keystore.create({ alg: "ES256", label: "mine" });
    const publicJwk = JSON.stringify(keystore.exportJwks().keys[0]);

    await expect(keystore.import(publicJwk)).rejects.toThrow(
      `key ${info.kid} (mine) is already in the keystore`,
    );
    const { publicKey } = ecPair();
    await keystore.import(jwkOf(publicKey));
    await expect(keystore.import(pem(publicKey))).rejects.toThrow("is already in the keystore");
    expect(keystore.list()).toHaveLength(2);
  });

  it("refuses a kid that already names another key", async () => {
    await keystore.import(jwkOf(ecPair().publicKey, { kid: "k1" }));
    await expect(keystore.import(jwkOf(ecPair().publicKey, { kid: "k1" }))).rejects.toThrow(
      'kid "k1" already names another key',
    );
  });

  const refusals: [string, () => string, string][] = [
    ["an HMAC secret", () => JSON.stringify({ kty: "oct", k: "c2VjcmV0", alg: "HS256" }), "HMAC"],
    ["alg none", () => jwkOf(ecPair().publicKey, { alg: "none" }), 'alg "none"'],
    ["HS256 on an EC key", () => jwkOf(ecPair().publicKey, { alg: "HS256" }), "HMAC"],
    ["PS256 on an RSA key", () => pemRsa(2048, { alg: "PS256" }), 'alg "PS256"'],
    ["a 1024-bit RSA key", () => pemRsa(1024), "RSA key of 1024 bits: 2048 at least"],
    [
      "a P-384 key",
      () => pem(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey),
      "P-256 (ES256) EC keys only",
    ],
    ["an X25519 key", () => pem(generateKeyPairSync("x25519").publicKey), "x25519 key"],
    ["an encryption key", () => jwkOf(ecPair().publicKey, { use: "enc" }), "not a signature key"],
    ["a kid with spaces", () => jwkOf(ecPair().publicKey, { kid: "a b" }), "kid"],
    ["plain text", () => "hello", "not a key: expected a PKCS#8 PEM private key"],
    ["broken JSON", () => '{"kty": ', "not valid JSON"],
    ["JSON that is no key", () => '{"hello": 1}', "neither a JWK nor a JWKS"],
    ["an empty JWKS", () => '{"keys": []}', "the JWKS has no keys"],
    ["a broken JWK", () => '{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}', "the JWK"],
    ["a broken PEM", () => "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "PEM"],
    [
      "an encrypted PEM",
      () =>
        generateKeyPairSync("ec", {
          namedCurve: "P-256",
          privateKeyEncoding: {
            type: "pkcs8",
            format: "pem",
            cipher: "aes-256-cbc",
            passphrase: "x",
          },
          publicKeyEncoding: { type: "spki", format: "pem" },
        }).privateKey,
      "encrypted",
    ],
  ];

  function pemRsa(bits: number, options: { alg?: string } = {}): string {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    return options.alg ? jwkOf(publicKey, { alg: options.alg }) : pem(publicKey);
  }

  it.each(refusals)("refuses %s", async (_, material, message) => {
    await expect(keystore.import(material())).rejects.toThrow(message);
    await expect(keystore.import(material())).rejects.toBeInstanceOf(KeystoreError);
    expect(keystore.list()).toEqual([]);
  });

  it("refuses a key whose algorithm is not the one asked for", async () => {
    await expect(keystore.import(pem(ecPair().privateKey), { alg: "RS256" })).rejects.toThrow(
      "it is a key for ES256",
    );
    await expect(keystore.import(jwkOf(ecPair().publicKey), { alg: "EdDSA" })).rejects.toThrow(
      "it is a key for ES256",
    );
    expect(await keystore.import(pem(ecPair().publicKey), { alg: "ES256" })).toHaveLength(1);
  });

  it("adds no key of a JWKS when one of them is refused", async () => {
    const jwks = {
      keys: [
        JSON.parse(jwkOf(ecPair().publicKey, { kid: "good" })),
        { kty: "oct", k: "c2VjcmV0", kid: "bad" },
      ],
    };
    await expect(keystore.import(JSON.stringify(jwks))).rejects.toThrow("key #2 of the JWKS");
    expect(keystore.list()).toEqual([]);
  });

  it("adds nothing, and keeps no secret, when the keychain fails midway through a JWKS", async () => {
    const jwks = {
      keys: [
        JSON.parse(jwkOf(ecPair().privateKey, { kid: "one" })),
        JSON.parse(jwkOf(ecPair().privateKey, { kid: "two" })),
      ],
    };
    const set = secrets.set.bind(secrets);
    secrets.set = async (account, secret) => {
      await set(account, secret);
      if (account === "two") throw new KeystoreError("the OS keychain is locked (test)");
    };

    await expect(keystore.import(JSON.stringify(jwks))).rejects.toThrow("locked");
    expect(keystore.list()).toEqual([]);
    expect(secrets.entries.size).toBe(0);
    expect(await filesOnDisk()).toEqual(new Map());
  });
});

describe("retiring and deleting keys", () => {
  it("keeps a retired key in the JWKS but signs with the newest active key", async () => {
    const older = await keystore.create({ alg: "ES256", label: "older" });
    const newer = await keystore.create({ alg: "ES256", label: "newer" });
    expect((await keystore.signingKey()).info.kid).toBe(newer.kid);

    expect(await keystore.retire(newer.kid)).toEqual({ ...newer, state: "retired" });

    expect(keystore.exportJwks().keys.map((key) => key.kid)).toEqual([newer.kid, older.kid]);
    expect((await keystore.signingKey()).info.kid).toBe(older.kid);
    expect((await reopen()).list()[0]?.state).toBe("retired");

    await keystore.retire(older.kid);
    await expect(keystore.signingKey()).rejects.toThrow(
      "no active signing key: create one with `gatehouse keys create`",
    );
  });

  it("deletes a key from the list, the JWKS file and the keychain", async () => {
    const kept = await keystore.create({ alg: "ES256" });
    const gone = await keystore.create({ alg: "EdDSA" });

    await keystore.delete(gone.kid);

    expect(keystore.list()).toEqual([kept]);
    expect(secrets.entries.has(gone.kid)).toBe(false);
    expect(secrets.entries.has(kept.kid)).toBe(true);
    expect(await readJson("jwks.json")).toEqual({
      keys: [expect.objectContaining({ kid: kept.kid })],
    });
    expect((await reopen()).list()).toEqual([kept]);
  });

  it("untrusts a key even when the keychain fails to delete its private key", async () => {
    const info = await keystore.create({ alg: "ES256" });
    secrets.locked = true;

    await expect(keystore.delete(info.kid)).rejects.toThrow(
      `key ${info.kid} is deleted and no longer trusted, but its private key could not be removed from the OS keychain`,
    );
    expect(keystore.exportJwks().keys).toEqual([]);
    expect(await readJson("jwks.json")).toEqual({ keys: [] });
  });

  it("deletes a public-only key without asking the keychain", async () => {
    const [info] = await keystore.import(jwkOf(ecPair().publicKey, { kid: "pub" }));
    secrets.locked = true;
    await keystore.delete(info?.kid ?? "");
    expect(keystore.list()).toEqual([]);
  });

  it("finds a key by a unique prefix of six characters or more", async () => {
    await keystore.import(jwkOf(ecPair().publicKey, { kid: "issuer-a" }));
    await keystore.import(jwkOf(ecPair().publicKey, { kid: "issuer-b" }));
    const created = await keystore.create({ alg: "ES256" });

    expect((await keystore.retire(created.kid.slice(0, 6))).kid).toBe(created.kid);
    expect((await keystore.retire("issuer-b")).kid).toBe("issuer-b");
    await expect(keystore.retire("issuer")).rejects.toThrow(
      '"issuer" is the start of several kids (issuer-b, issuer-a): give more of it',
    );
    await expect(keystore.delete(created.kid.slice(0, 5))).rejects.toThrow(
      `no key "${created.kid.slice(0, 5)}" in the keystore (see gatehouse keys list)`,
    );
    await expect(keystore.delete("nothing-like-it")).rejects.toThrow(
      'no key "nothing-like-it" in the keystore (see gatehouse keys list)',
    );
  });
});

describe("the signing key", () => {
  it("says how to fix a private key missing from the keychain", async () => {
    const info = await keystore.create({ alg: "ES256" });
    secrets.entries.clear();
    await expect(keystore.signingKey()).rejects.toThrow(missingSecretMessage(info.kid, "keychain"));
  });

  it("refuses a keychain entry that is not the published key", async () => {
    const info = await keystore.create({ alg: "ES256" });
    secrets.entries.set(info.kid, jwkOf(ecPair().privateKey));
    await expect(keystore.signingKey()).rejects.toThrow("does not match its public key");
    secrets.entries.set(info.kid, "not json");
    await expect(keystore.signingKey()).rejects.toThrow("is not a JWK");
  });

  it.each(["ES256", "EdDSA", "RS256"] as const)(
    "signs %s tokens that the exported JWKS verifies",
    async (alg) => {
      const info = await keystore.create({ alg });
      const { privateKey } = await keystore.signingKey();
      const token = await new SignJWT({ sub: "x" })
        .setProtectedHeader({ alg, kid: info.kid })
        .sign(privateKey);
      expect(decodeProtectedHeader(token).kid).toBe(info.kid);
      expect(await verifiesWithKeystore(token)).toBe(true);
    },
  );

  it("sees keys another process added since the keystore was opened", async () => {
    const info = await (await reopen()).create({ alg: "ES256" });
    expect((await keystore.signingKey()).info.kid).toBe(info.kid);
    expect(keystore.list()).toHaveLength(1);
  });

  it("does not verify a token signed by another key under one of its kids", async () => {
    const info = await keystore.create({ alg: "ES256" });
    const stranger = await generateKeyPair("ES256");
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: info.kid })
      .sign(stranger.privateKey);
    expect(await verifiesWithKeystore(token)).toBe(false);
  });
});
