import { quoteUntrusted } from "./quote-untrusted";
import { importVerificationKey, type VerificationKey } from "./verification-key";

/** The usable keys of one JWKS document. */
export interface KeySet {
  readonly byKid: ReadonlyMap<string, VerificationKey>;
  /** Equal for equal documents: tells a real key change from a reload of the same keys. */
  readonly fingerprint: string;
  /** Keys left out, each with the reason, for a warning. */
  readonly skipped: readonly string[];
}

export const NO_KEYS: KeySet = { byKid: new Map(), fingerprint: "", skipped: [] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Parses and imports a JWKS. `origin` names where it came from ("the inline jwks", "the JWKS
 * file ...") and starts every error message, which is written for the user.
 */
export async function parseKeySet(text: string, origin: string): Promise<KeySet> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const keys = isObject(document) ? document.keys : undefined;
  if (!Array.isArray(keys)) {
    throw new Error(`${origin} is not a JWKS: expected an object with a "keys" list`);
  }

  const byKid = new Map<string, VerificationKey>();
  const skipped: string[] = [];
  for (const [index, jwk] of keys.entries()) {
    const label =
      isObject(jwk) && typeof jwk.kid === "string" && jwk.kid !== ""
        ? `key ${quoteUntrusted(jwk.kid)}`
        : `key #${index + 1}`;
    if (!isObject(jwk)) {
      skipped.push(`${label} is not a JSON object`);
      continue;
    }
    let imported;
    try {
      imported = await importVerificationKey(jwk, label);
    } catch (error) {
      throw new Error(`${origin}: ${(error as Error).message}`, { cause: error });
    }
    if ("skipped" in imported) skipped.push(imported.skipped);
    else if (byKid.has(imported.key.kid)) skipped.push(`${label} repeats an earlier kid`);
    else byKid.set(imported.key.kid, imported.key);
  }

  // An empty set is legitimate (a keystore whose keys were all deleted: every token fails as
  // signed by an unknown key); a set whose keys are all unusable is a mistake worth stopping for.
  if (byKid.size === 0 && keys.length > 0) {
    throw new Error(`${origin} has no usable keys: ${skipped.join("; ")}`);
  }
  return { byKid, fingerprint: JSON.stringify(keys), skipped };
}

/** "2 keys (a, b)", for notices. */
export function describeKeySet(set: KeySet): string {
  const kids = [...set.byKid.keys()].map(quoteUntrusted).join(", ");
  return `${set.byKid.size} ${set.byKid.size === 1 ? "key" : "keys"} (${kids})`;
}
