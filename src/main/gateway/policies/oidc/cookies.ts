import { createHash } from "node:crypto";

/**
 * agentgateway's prefix for the cookies of its `oidc` policies. They are the gateway's own:
 * policies after the sign-in step, rules and anything sent on never see them.
 */
const RESERVED_COOKIE_PREFIX = "agw_oidc_";

/** The names of one policy's cookies: its session, and each sign-in under way (`<prefix>.<id>`). */
export interface CookieNames {
  session: string;
  transactionPrefix: string;
}

/** As agentgateway derives them: from the first 8 bytes of the SHA-256 of the policy's id. */
export function cookieNames(policyId: string): CookieNames {
  const hex = createHash("sha256").update(policyId).digest("hex").slice(0, 16);
  return {
    session: `${RESERVED_COOKIE_PREFIX}s_${hex}`,
    transactionPrefix: `${RESERVED_COOKIE_PREFIX}t_${hex}`,
  };
}

export interface CookieAttributes {
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  /** Set when the gateway is reached over HTTPS (its `redirectURI` says so). */
  secure: boolean;
}

/**
 * A `Set-Cookie` value with agentgateway's attributes: the whole site's paths, never readable by
 * scripts, and sent along on top-level navigations from other sites (Lax), which is how the
 * identity provider sends the browser back.
 */
export function setCookie(name: string, value: string, { maxAge, secure }: CookieAttributes) {
  const attributes = `Path=/; Max-Age=${Math.max(0, Math.floor(maxAge))}; HttpOnly; SameSite=Lax`;
  return `${name}=${value}; ${attributes}${secure ? "; Secure" : ""}`;
}

/** The value of the cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(";")) {
    const equals = pair.indexOf("=");
    if (equals !== -1 && pair.slice(0, equals).trim() === name) {
      return pair.slice(equals + 1).trim();
    }
  }
  return undefined;
}

/**
 * A `Cookie` header without the reserved cookies: the same string when it has none (the usual
 * case costs no allocation), undefined when nothing else is left.
 */
export function withoutReservedCookies(header: string): string | undefined {
  if (!header.includes(RESERVED_COOKIE_PREFIX)) return header;
  const kept = header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "" && !pair.startsWith(RESERVED_COOKIE_PREFIX));
  return kept.length > 0 ? kept.join("; ") : undefined;
}
