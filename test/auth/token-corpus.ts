import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";

// The tokens a verifier must refuse, each with the reason it must give: every rejection a
// well-meaning client can run into, and the forgeries an attacker tries. The verifier's unit
// tests and the gateway's hostile-input suite run the same corpus, so that what is refused in
// isolation is refused over HTTP too, before anything reaches a target.

export const ISSUER = "https://issuer.test";
export const AUDIENCE = "gatehouse";

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as a JWKS would publish it (no `alg` unless a test pins one). */
  jwk: JWK;
}

export async function makeKey(alg: string, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

export const jwks = (...keys: (TestKey | JWK)[]) =>
  JSON.stringify({ keys: keys.map((key) => ("jwk" in key ? key.jwk : key)) });

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims a provider accepts, overridable per test. */
export const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: "alice",
  exp: nowSeconds() + 3600,
  ...extra,
});

export function sign(
  key: TestKey,
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

export const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A token assembled by hand, for shapes no signing library would produce. */
export const forge = (header: unknown, payload: unknown, signature = "c2lnbmF0dXJl") =>
  `${b64(header)}.${b64(payload)}.${signature}`;

/** The keys the corpus signs with: the two a provider trusts, and an attacker's own. */
export interface CorpusKeys {
  rsa: TestKey;
  ec: TestKey;
  attacker: TestKey;
}

/** A refused token: what it is, how it is made, and the reason the verifier must give. */
export type RefusedToken = [what: string, token: () => Promise<string> | string, reason: string];

/**
 * Every reason a token is refused, for a provider of ISSUER and AUDIENCE that trusts `rsa` and
 * `ec`. `keys` is read only when a token is made, so a test may fill it in `beforeAll`.
 */
export const everyRejection = (keys: CorpusKeys): RefusedToken[] => [
  ["over 16 KiB", () => "a".repeat(16 * 1024 + 1), "the token is too large"],
  [
    "not three segments",
    () => "abc.def",
    "the token is invalid or malformed: a signed JWT has 3 dot-separated segments, this token has 2",
  ],
  [
    "five segments (an encrypted JWT)",
    () => "a.b.c.d.e",
    "the token is invalid or malformed: a signed JWT has 3 dot-separated segments, this token has 5",
  ],
  [
    "a header that is not base64url",
    () => `***.${b64(claims())}.sig`,
    "the token is invalid or malformed: the header is not base64url",
  ],
  [
    "a header that is not JSON",
    () => `${b64("not json")}.${b64(claims())}.sig`,
    "the token is invalid or malformed: the header is not JSON",
  ],
  [
    "a payload that is not a JSON object",
    () => forge({ alg: "ES256", kid: "ec" }, [1, 2]),
    "the token is invalid or malformed: the payload is not a JSON object",
  ],
  [
    "a header without alg",
    () => forge({ kid: "ec" }, claims()),
    'the token is invalid or malformed: the header has no "alg"',
  ],
  [
    "alg none",
    () => forge({ alg: "none" }, claims(), ""),
    'unsigned tokens (alg "none") are not accepted',
  ],
  [
    "no kid",
    () => sign(keys.ec, claims(), { kid: undefined }),
    "the token header does not specify a `kid`",
  ],
  [
    "no iss",
    () => sign(keys.ec, claims({ iss: undefined })),
    'the token is missing the claim "iss"',
  ],
  [
    "an untrusted issuer",
    () => sign(keys.ec, claims({ iss: "https://evil.test" })),
    'the token issuer "https://evil.test" is not trusted',
  ],
  [
    "an unknown kid",
    () => sign(keys.ec, claims(), { kid: "nope" }),
    'token uses the unknown key "nope"',
  ],
  [
    "an algorithm the key does not allow",
    () => sign({ ...keys.rsa, kid: "ec" }),
    'the token algorithm "RS256" is not allowed for key "ec"',
  ],
  [
    "a signature by another key",
    () => sign({ ...keys.attacker, kid: "rsa" }),
    "the token signature is invalid",
  ],
  [
    "an expired token",
    () => sign(keys.ec, claims({ exp: nowSeconds() - 60 })),
    "the token has expired",
  ],
  [
    "a token not valid yet",
    () => sign(keys.ec, claims({ nbf: nowSeconds() + 120 })),
    "the token is not valid yet",
  ],
  [
    "a wrong audience",
    () => sign(keys.ec, claims({ aud: "other" })),
    'the token audience "other" is not accepted (expected one of: gatehouse)',
  ],
  [
    "wrong audiences (a list)",
    () => sign(keys.ec, claims({ aud: ["x", "y"] })),
    'the token audience "x", "y" is not accepted (expected one of: gatehouse)',
  ],
  [
    "no audience",
    () => sign(keys.ec, claims({ aud: undefined })),
    'the token is missing the claim "aud"',
  ],
  [
    "no exp",
    () => sign(keys.ec, claims({ exp: undefined })),
    'the token is missing the claim "exp"',
  ],
  [
    "an exp that is not a number",
    () => sign(keys.ec, claims({ exp: "tomorrow" as unknown as number })),
    'the token is invalid or malformed: "exp" claim must be a number',
  ],
];

/**
 * Forgeries, for the same provider. `jkuUrl` serves the attacker's key, so that a test can see
 * that nothing ever fetched it.
 */
export const hostileTokens = (keys: CorpusKeys, jkuUrl: () => string): RefusedToken[] => [
  [
    "alg none, no signature",
    () => forge({ alg: "none", typ: "JWT" }, claims(), ""),
    'unsigned tokens (alg "none") are not accepted',
  ],
  [
    "alg none with the signature of a real token",
    async () => {
      const real = (await sign(keys.rsa)).split(".")[2];
      return forge({ alg: "none", kid: "rsa" }, claims(), real);
    },
    'unsigned tokens (alg "none") are not accepted',
  ],
  [
    'alg "NoNe"',
    () => forge({ alg: "NoNe", kid: "rsa" }, claims(), ""),
    'unsigned tokens (alg "none") are not accepted',
  ],
  [
    "HS256 signed with the RSA public key (PEM) as the secret",
    async () =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: "HS256", kid: "rsa" })
        .sign(new TextEncoder().encode(await exportSPKI(keys.rsa.publicKey))),
    'the token algorithm "HS256" is not allowed for key "rsa"',
  ],
  [
    "HS256 signed with the RSA public key (JWK) as the secret",
    () =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: "HS256", kid: "rsa" })
        .sign(new TextEncoder().encode(JSON.stringify(keys.rsa.jwk))),
    'the token algorithm "HS256" is not allowed for key "rsa"',
  ],
  [
    "a tampered payload with the signature kept",
    async () => {
      const [header, , signature] = (await sign(keys.rsa)).split(".");
      return `${header}.${b64(claims({ sub: "root" }))}.${signature}`;
    },
    "the token signature is invalid",
  ],
  [
    "a signed token over 16 KiB",
    () => sign(keys.rsa, claims({ padding: "x".repeat(16 * 1024) })),
    "the token is too large",
  ],
  [
    "a kid with path characters",
    () => sign({ ...keys.attacker, kid: "../../etc/passwd" }),
    'token uses the unknown key "../../etc/passwd"',
  ],
  [
    "a kid that tries to break out of a header",
    () => sign({ ...keys.attacker, kid: 'x"\r\nX-Injected: 1\u00e9' }),
    'token uses the unknown key "x\\"\\r\\nX-Injected: 1\\u00e9"',
  ],
  [
    "a kid of 2000 characters (the reason shows 100)",
    () => sign({ ...keys.attacker, kid: "k".repeat(2000) }),
    `token uses the unknown key "${"k".repeat(100)}"...`,
  ],
  [
    "jku, x5u and jwk headers naming the attacker's key (attacker kid)",
    async () =>
      sign(keys.attacker, claims(), {
        jku: jkuUrl(),
        x5u: jkuUrl(),
        jwk: keys.attacker.jwk,
      }),
    'token uses the unknown key "attacker"',
  ],
  [
    "jku, jwk and x5c headers naming the attacker's key (trusted kid)",
    async () =>
      sign({ ...keys.attacker, kid: "rsa" }, claims(), {
        jku: jkuUrl(),
        jwk: keys.attacker.jwk,
        x5c: ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"],
      }),
    "the token signature is invalid",
  ],
  [
    "an unknown critical header",
    () => forge({ alg: "RS256", kid: "rsa", crit: ["exp-policy"], "exp-policy": 1 }, claims()),
    'the token is invalid or malformed: Extension Header Parameter "exp-policy" is not recognized',
  ],
];
