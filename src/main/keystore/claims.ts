import { isJsonObject } from "./json-file";
import { KeystoreError } from "./keystore-error";

/**
 * Claims that minting sets itself: the times and the token id from the ttl, iss and aud from
 * the issuer and audience. Given as claims, they would silently lose or win against those.
 */
const RESERVED_CLAIMS = ["iat", "nbf", "exp", "jti", "iss", "aud"];

/**
 * Refuses claims a token cannot carry: anything but a JSON object, a reserved claim, or a `sub`
 * that is not a string. `where` names the claims in errors ("identity alice").
 */
export function checkClaims(
  claims: unknown,
  where: string,
): asserts claims is Record<string, unknown> {
  if (!isJsonObject(claims)) {
    throw new KeystoreError(`the claims of ${where} must be a JSON object`);
  }
  const reserved = RESERVED_CLAIMS.find((name) => Object.hasOwn(claims, name));
  if (reserved) {
    throw new KeystoreError(
      `the claims of ${where} may not set "${reserved}": Gatehouse sets iat, nbf, exp and jti itself, and iss and aud from the issuer and audience`,
    );
  }
  if (claims.sub !== undefined && (typeof claims.sub !== "string" || claims.sub === "")) {
    throw new KeystoreError(`the claims of ${where} have a "sub" that is not a non-empty string`);
  }
  const problem = nonJsonValue(claims, "claims");
  if (problem) throw new KeystoreError(`the claims of ${where} are not JSON: ${problem}`);
}

/** Where a value holds something JSON cannot carry (a function, NaN, a Date, undefined). */
function nonJsonValue(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = nonJsonValue(item, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isJsonObject(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [key, item] of Object.entries(value)) {
      const problem = nonJsonValue(item, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path} is ${value instanceof Object ? `a ${value.constructor.name}` : typeof value}`;
}

/** A JWT `aud`: one non-empty string, or a non-empty list of them. */
export function isAudience(value: unknown): value is string | string[] {
  const all = Array.isArray(value) ? value : [value];
  return all.length > 0 && all.every((each) => typeof each === "string" && each !== "");
}
