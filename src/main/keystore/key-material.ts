import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, type JWK } from "jose";
import { KeystoreError } from "./keystore-error";
import type { KeyAlgorithm } from "./keystore-types";

export type { KeyAlgorithm };
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["RS256", "ES256", "EdDSA"];
export const RSA_KEY_SIZES = [2048, 3072] as const;
const MIN_RSA_BITS = 2048;

/** A key as the keystore holds it, whether created here or imported. */
export interface KeyMaterial {
  alg: KeyAlgorithm;
  /** RSA modulus length. */
  bits?: number;
  /** RFC 7638 (SHA-256): the key's identity, whatever kid it is published under. */
  thumbprint: string;
  /** The public members only (kty, n, e / crv, x, y). */
  publicJwk: JWK;
  /** Present for a key that can sign; it goes to the secret store, never to disk. */
  privateJwk?: JWK;
}

const generate = promisify(generateKeyPair);

/** A new key pair. Asynchronous, so that a 3072-bit RSA key does not freeze the app. */
export async function generateKeyMaterial(alg: KeyAlgorithm, bits = 2048): Promise<KeyMaterial> {
  const { privateKey } =
    alg === "RS256"
      ? await generate("rsa", { modulusLength: bits })
      : alg === "ES256"
        ? await generate("ec", { namedCurve: "P-256" })
        : await generate("ed25519");
  return keyMaterialOf(privateKey, "the new key");
}

/**
 * Checks that a key is one the keystore signs or verifies with, and describes it. `declaredAlg`
 * is what the key's JWK or the user said it is for; it must fit the key. `what` names the key in
 * errors ("the PEM key", "key #2 of the JWKS").
 */
export async function keyMaterialOf(
  key: KeyObject,
  what: string,
  declaredAlg?: string,
): Promise<KeyMaterial> {
  if (key.type === "secret") throw new KeystoreError(hmacRefusal(what));
  const alg = algorithmOf(key, what);
  if (declaredAlg !== undefined) checkDeclaredAlg(what, declaredAlg, alg);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < MIN_RSA_BITS) {
    throw new KeystoreError(`${what} is an RSA key of ${bits} bits: ${MIN_RSA_BITS} at least`);
  }
  const publicKey = key.type === "public" ? key : createPublicKey(key);
  const publicJwk = publicKey.export({ format: "jwk" }) as JWK;
  return {
    alg,
    ...(bits !== undefined && { bits }),
    thumbprint: await calculateJwkThumbprint(publicJwk),
    publicJwk,
    ...(key.type === "private" && { privateJwk: key.export({ format: "jwk" }) as JWK }),
  };
}

export function hmacRefusal(what: string): string {
  return `${what} is a shared secret (HMAC): the keystore holds public-key signing keys only (RS256, ES256, EdDSA)`;
}

function algorithmOf(key: KeyObject, what: string): KeyAlgorithm {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return "RS256";
    case "ec":
      if (key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
      throw new KeystoreError(
        `${what} is an EC key on curve ${key.asymmetricKeyDetails?.namedCurve}: the keystore holds P-256 (ES256) EC keys only`,
      );
    case "ed25519":
      return "EdDSA";
    default:
      throw new KeystoreError(
        `${what} is a ${key.asymmetricKeyType} key: the keystore holds RSA (RS256), EC P-256 (ES256) and Ed25519 (EdDSA) keys`,
      );
  }
}

/** Refuses a key whose JWK or user says it is for another algorithm than the one it fits. */
export function checkDeclaredAlg(what: string, declared: string, alg: KeyAlgorithm): void {
  // RFC 9864 names EdDSA over Ed25519 "Ed25519"; a JWK may say either.
  if (declared === alg || (alg === "EdDSA" && declared === "Ed25519")) return;
  if (declared === "none") {
    throw new KeystoreError(
      `${what} is declared for alg "none" (unsigned tokens), which the keystore refuses`,
    );
  }
  if (declared.startsWith("HS")) throw new KeystoreError(hmacRefusal(what));
  throw new KeystoreError(
    `${what} is declared for alg ${JSON.stringify(declared)}, but it is a key for ${alg} (the keystore signs and verifies with RS256, ES256 and EdDSA only)`,
  );
}
