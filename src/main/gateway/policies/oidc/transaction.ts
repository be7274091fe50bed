import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** How long a sign-in may take, from the redirect to the provider until it sends the browser back. */
export const TRANSACTION_TTL_SECONDS = 5 * 60;
/** The longest original URL the browser is sent back to; a longer one returns to `/`. */
const MAX_RETURN_LENGTH = 2048;
/** Sign-ins remembered as completed; past this, the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;

/**
 * One sign-in under way, sealed in a cookie of the browser that started it: the `state` the
 * provider sends back must match it, the ID token must carry its `nonce`, and only this browser
 * holds the PKCE verifier the code is exchanged with.
 */
export interface Transaction {
  /** Names the transaction's cookie, so that sign-ins in several tabs do not overwrite each other. */
  id: string;
  /** Compared with the callback's `state`: a callback this browser did not ask for is refused. */
  csrf: string;
  nonce: string;
  verifier: string;
  /** Where the browser was going: a path on this gateway. */
  returnTo: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const random = (bytes: number) => randomBytes(bytes).toString("base64url");

/** A new sign-in for a browser that asked for `requestUrl`. */
export function newTransaction(requestUrl: string): Transaction {
  return {
    id: random(16),
    csrf: random(16),
    nonce: random(16),
    verifier: random(32),
    returnTo: localReturnTarget(requestUrl),
    expiresAt: Math.floor(Date.now() / 1000) + TRANSACTION_TTL_SECONDS,
  };
}

/** PKCE's S256 challenge (RFC 7636) for the transaction's verifier. */
export function codeChallenge(transaction: Transaction): string {
  return createHash("sha256").update(transaction.verifier).digest("base64url");
}

/** The `state` sent to the provider: which transaction, and its CSRF value. */
export function stateOf(transaction: Transaction): string {
  return `${transaction.id}.${transaction.csrf}`;
}

/** The parts of a `state` the provider sent back, or undefined when it is no state of ours. */
export function readState(state: string): { id: string; csrf: string } | undefined {
  const match = /^([\w-]{1,64})\.([\w-]{1,64})$/.exec(state);
  return match ? { id: match[1] as string, csrf: match[2] as string } : undefined;
}

/** Whether a sealed value is a transaction (it opened, so it is ours; this checks its shape). */
export function isTransaction(value: unknown): value is Transaction {
  const t = value as Transaction | null;
  return (
    typeof t === "object" &&
    t !== null &&
    ["id", "csrf", "nonce", "verifier", "returnTo"].every(
      (key) => typeof t[key as keyof Transaction] === "string",
    ) &&
    typeof t.expiresAt === "number"
  );
}

/** Compares secrets in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Where to send the browser after signing in: the request's own path and query, when it is
 * surely a path on this gateway; otherwise `/`. A value such as `//evil.example` or
 * `/%2Fevil.example` would send the browser to another site (an open redirect).
 */
function localReturnTarget(requestUrl: string): string {
  if (requestUrl.length > MAX_RETURN_LENGTH || !isLocalPath(requestUrl)) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestUrl);
  } catch {
    return "/";
  }
  return isLocalPath(decoded) ? requestUrl : "/";
}

function isLocalPath(target: string): boolean {
  return target.startsWith("/") && !target.startsWith("//") && !target.includes("\\");
}

/**
 * The sign-ins that came back, until they would have expired anyway: each callback is taken
 * once, so a replayed one (the same URL with the same cookie) is refused before the code is
 * even sent to the provider. Bounded: under a flood, the oldest are forgotten first, and the
 * provider, which takes each code once, still refuses their replay.
 */
export class CompletedTransactions {
  private readonly until = new Map<string, number>();

  /** Marks the transaction completed; false when it already was. */
  complete(transaction: Transaction): boolean {
    const now = Math.floor(Date.now() / 1000);
    for (const [id, expiresAt] of this.until) {
      if (expiresAt > now && this.until.size < MAX_REMEMBERED) break;
      this.until.delete(id);
    }
    if (this.until.has(transaction.id)) return false;
    this.until.set(transaction.id, transaction.expiresAt);
    return true;
  }
}
