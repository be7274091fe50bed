import { malformed, type Rejected } from "./verdict";

/** Header and claims as the token states them: nothing here is trusted before verification. */
export interface UntrustedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Who a token says its caller is. Unverified: for the log of a refusal, never for a decision. */
export interface ClaimedCaller {
  subject?: string;
  issuer?: string;
}

/** The largest bearer token decoded at all: one larger is an attack or a mistake. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes a compact JWS far enough to choose the provider and the key. The signature is left to
 * jose; this only refuses what cannot be a signed JWT, with a reason that says what is wrong.
 */
export function readUntrustedToken(token: string): UntrustedToken | Rejected {
  const segments = token.split(".");
  if (segments.length !== 3) {
    return malformed(
      `a signed JWT has 3 dot-separated segments, this token has ${segments.length}`,
    );
  }
  const header = decodeSegment(segments[0] as string, "header");
  if (typeof header === "string") return malformed(header);
  const claims = decodeSegment(segments[1] as string, "payload");
  if (typeof claims === "string") return malformed(claims);
  return { header, claims };
}

/** The segment's JSON object, or what is wrong with it. */
function decodeSegment(segment: string, name: string): Record<string, unknown> | string {
  if (!BASE64URL.test(segment)) return `the ${name} is not base64url`;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(segment, "base64url")));
  } catch {
    return `the ${name} is not JSON`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `the ${name} is not a JSON object`;
  }
  return value as Record<string, unknown>;
}

/**
 * The `sub` and `iss` a refused token states, so that the log can say who it claimed to be.
 * Nothing for a token too large to decode or too broken to read.
 */
export function readClaimedCaller(token: string): ClaimedCaller {
  if (token.length > MAX_TOKEN_LENGTH) return {};
  const untrusted = readUntrustedToken(token);
  if ("reason" in untrusted) return {};
  const { sub, iss } = untrusted.claims;
  return {
    subject: typeof sub === "string" ? sub : undefined,
    issuer: typeof iss === "string" ? iss : undefined,
  };
}
