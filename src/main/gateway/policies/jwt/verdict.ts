import type { JWTPayload } from "jose";

export type Verified = {
  ok: true;
  /** Frozen: one verified token's claims are shared by every request that sends it. */
  claims: JWTPayload;
  /** The provider that vouched for the token. */
  issuer: string;
  subject: string | undefined;
  /** The `exp` claim, in seconds since the epoch. */
  expiresAt: number | undefined;
};

/** `reason` is the text after "authentication failure: ". */
export type Rejected = { ok: false; reason: string };

export function reject(reason: string): Rejected {
  return { ok: false, reason };
}

/** Structure problems share one prefix, as in agentgateway. */
export function malformed(what: string): Rejected {
  return reject(`the token is invalid or malformed: ${what}`);
}
