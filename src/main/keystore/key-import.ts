import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { isJsonObject } from "./json-file";
import { KeystoreError } from "./keystore-error";
import {
  checkDeclaredAlg,
  hmacRefusal,
  keyMaterialOf,
  type KeyAlgorithm,
  type KeyMaterial,
} from "./key-material";

/** A key read from imported text, with the kid its JWK gave it, if any. */
export interface ImportedKey extends KeyMaterial {
  kid?: string;
}

const ACCEPTED_FORMS =
  'a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----"), an SPKI PEM public key ' +
  '("-----BEGIN PUBLIC KEY-----"), a JWK (private or public) or a JWKS ({"keys": [...]})';

/**
 * A kid from imported material must be usable as a keychain account name and in a token
 * header; a real issuer's kids are short printable strings.
 */
const USABLE_KID = /^[\x21-\x7e]{1,200}$/;

/**
 * The keys in `text`: one for a PEM key or a JWK, every key of a JWKS. `alg`, when the user
 * gives one, must fit every key.
 */
export async function readKeyMaterial(text: string, alg?: KeyAlgorithm): Promise<ImportedKey[]> {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    return [await keyMaterialOf(readPem(trimmed), "the PEM key", alg)];
  }
  if (!trimmed.startsWith("{")) throw new KeystoreError(`not a key: expected ${ACCEPTED_FORMS}`);

  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch (error) {
    const reason = (error as Error).message;
    throw new KeystoreError(`not valid JSON (${reason}): expected ${ACCEPTED_FORMS}`, {
      cause: error,
    });
  }
  if (isJsonObject(document) && Array.isArray(document.keys)) {
    if (document.keys.length === 0) throw new KeystoreError("the JWKS has no keys");
    return Promise.all(
      document.keys.map((jwk, index) => readJwk(jwk, `key #${index + 1} of the JWKS`, alg)),
    );
  }
  if (isJsonObject(document) && "kty" in document) return [await readJwk(document, "the JWK", alg)];
  throw new KeystoreError(`the JSON is neither a JWK nor a JWKS: expected ${ACCEPTED_FORMS}`);
}

function readPem(pem: string): KeyObject {
  if (pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
    throw new KeystoreError(
      "the PEM key is encrypted: decrypt it first (openssl pkcs8 -in encrypted.pem -out key.pem)",
    );
  }
  try {
    // Node reads PKCS#8 and also the older PKCS#1 / SEC1 private keys and X.509 certificates.
    return /^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)
      ? createPrivateKey(pem)
      : createPublicKey(pem);
  } catch (error) {
    const reason = (error as Error).message;
    throw new KeystoreError(`not a readable PEM key (${reason}): expected ${ACCEPTED_FORMS}`, {
      cause: error,
    });
  }
}

async function readJwk(jwk: unknown, what: string, alg?: KeyAlgorithm): Promise<ImportedKey> {
  if (!isJsonObject(jwk)) throw new KeystoreError(`${what} is not a JSON object`);
  if (jwk.kty === "oct") throw new KeystoreError(hmacRefusal(what));
  if (jwk.use !== undefined && jwk.use !== "sig") {
    throw new KeystoreError(`${what} is not a signature key (use ${JSON.stringify(jwk.use)})`);
  }
  const kid = jwk.kid;
  if (kid !== undefined && (typeof kid !== "string" || !USABLE_KID.test(kid))) {
    throw new KeystoreError(
      `${what} has a kid that is not a short printable string: ${JSON.stringify(kid)}`,
    );
  }
  let key: KeyObject;
  try {
    const input = { key: jwk as JsonWebKey, format: "jwk" } as const;
    key = "d" in jwk ? createPrivateKey(input) : createPublicKey(input);
  } catch (error) {
    throw new KeystoreError(`${what} is not a usable key (${(error as Error).message})`, {
      cause: error,
    });
  }
  const declaredAlg = typeof jwk.alg === "string" ? jwk.alg : undefined;
  const material = await keyMaterialOf(key, what, declaredAlg);
  if (alg !== undefined) checkDeclaredAlg(what, alg, material.alg);
  return { ...material, ...(kid !== undefined && { kid }) };
}
