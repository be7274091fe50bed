import { importJWK, type CryptoKey, type JWK } from "jose";
import { quoteUntrusted } from "./quote-untrusted";

/** A public key from a JWKS, and the only algorithms a token may verify with it. */
export interface VerificationKey {
  readonly kid: string;
  /**
   * Pinned when the key loads, from the JWK's own `alg` or else its key type, so a token cannot
   * choose how its key is used: never `none`, never HMAC with the public key as the secret.
   */
  readonly algorithms: readonly string[];
  /** By algorithm: Web Crypto binds an imported key to one algorithm. */
  readonly cryptoKeys: ReadonlyMap<string, CryptoKey>;
}

/** A JWK that does not apply here is left out with a reason, which the source reports. */
export type KeyImport = { key: VerificationKey } | { skipped: string };

const RSA_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
/** A Map, not an object: a JWKS's `crv` of "constructor" must not find anything. */
const EC_ALGORITHMS = new Map([
  ["P-256", ["ES256"]],
  ["P-384", ["ES384"]],
  ["P-521", ["ES512"]],
]);
/** "Ed25519" is the fully specified name RFC 9864 gives EdDSA over Ed25519; both verify alike. */
const ED25519_ALGORITHMS = ["EdDSA", "Ed25519"];

/** The members that make up each supported public key; anything else is not imported. */
const PUBLIC_MEMBERS: Record<string, string[]> = {
  RSA: ["kty", "n", "e"],
  EC: ["kty", "crv", "x", "y"],
  OKP: ["kty", "crv", "x"],
};
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];
const MIN_RSA_BITS = 2048;

function algorithmsForKeyType(jwk: Record<string, unknown>): string[] | undefined {
  if (jwk.kty === "RSA") return RSA_ALGORITHMS;
  if (jwk.kty === "EC" && typeof jwk.crv === "string") return EC_ALGORITHMS.get(jwk.crv);
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return ED25519_ALGORITHMS;
  return undefined;
}

/**
 * Imports one member of a JWKS. A key that merely does not apply (an encryption key, an
 * unsupported curve, no `kid`) is skipped; a key that shows a configuration mistake (a shared
 * secret or private key material where public keys belong) throws, so the user fixes it.
 */
export async function importVerificationKey(
  jwk: Record<string, unknown>,
  label: string,
): Promise<KeyImport> {
  if (jwk.kty === "oct") {
    throw new Error(
      `${label} is a shared secret (kty "oct"): tokens are verified with public keys only, never HMAC secrets`,
    );
  }
  const secret = PRIVATE_MEMBERS.find((member) => Object.hasOwn(jwk, member));
  if (secret) {
    throw new Error(
      `${label} holds private key material (${quoteUntrusted(secret)}): a JWKS for verification must contain public keys only`,
    );
  }
  if (jwk.use !== undefined && jwk.use !== "sig") {
    return { skipped: `${label} is not a signature key (use ${quoteUntrusted(jwk.use)})` };
  }
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes("verify")) {
    return { skipped: `${label} does not allow "verify" in its key_ops` };
  }
  if (typeof jwk.kid !== "string" || jwk.kid === "") {
    return { skipped: `${label} has no "kid", so no token can select it` };
  }
  const fitting = algorithmsForKeyType(jwk);
  if (!fitting) {
    return {
      skipped: `${label} has an unsupported key type (kty ${quoteUntrusted(jwk.kty)}, crv ${quoteUntrusted(jwk.crv)})`,
    };
  }
  if (jwk.alg !== undefined && !fitting.includes(jwk.alg as string)) {
    return {
      skipped: `${label} declares alg ${quoteUntrusted(jwk.alg)}, which is not a signature algorithm for its key type`,
    };
  }
  const algorithms = jwk.alg === undefined ? fitting : [jwk.alg as string];
  const publicJwk = Object.fromEntries(
    (PUBLIC_MEMBERS[jwk.kty as string] ?? []).map((member) => [member, jwk[member]]),
  ) as JWK & { kty: "RSA" | "EC" | "OKP" };

  const cryptoKeys = new Map<string, CryptoKey>();
  for (const alg of algorithms) {
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = await importJWK(publicJwk, alg);
    } catch (error) {
      return { skipped: `${label} cannot be imported: ${(error as Error).message}` };
    }
    // jose would refuse a short RSA key on every token; say so once, at load.
    const { modulusLength } = cryptoKey.algorithm as { modulusLength?: number };
    if (modulusLength !== undefined && modulusLength < MIN_RSA_BITS) {
      return { skipped: `${label} is an RSA key of ${modulusLength} bits (2048 at least)` };
    }
    cryptoKeys.set(alg, cryptoKey);
  }
  return { key: { kid: jwk.kid, algorithms, cryptoKeys } };
}
