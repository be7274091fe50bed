import { randomUUID } from "node:crypto";
import { SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { checkClaims, isAudience } from "./claims";
import { KeystoreError } from "./keystore-error";
import type { KeyInfo } from "./keystore-types";

/** What signs a token: the keystore's newest active key, or a key held elsewhere (the demo's). */
export interface Signer {
  signingKey(): Promise<{ info: Pick<KeyInfo, "kid" | "alg">; privateKey: CryptoKey }>;
}

export interface MintRequest {
  /** Any claims but iat, nbf, exp, jti, iss and aud, which minting sets; `sub` is required. */
  claims: Record<string, unknown>;
  issuer: string;
  audience?: string | string[];
  ttlSeconds: number;
}

export interface Minted {
  token: string;
  kid: string;
  claims: JWTPayload;
  expiresAt: Date;
}

/** A token lives at most this long: a leaked development token should not stay useful. */
export const MAX_TTL_SECONDS = 30 * 24 * 60 * 60;

const TTL_UNITS = { s: 1, m: 60, h: 60 * 60, d: 24 * 60 * 60 };

/** Signs a token with the signer's key (the keystore's: its newest active signing key). */
export async function mintToken(signer: Signer, request: MintRequest): Promise<Minted> {
  const { claims, issuer, audience, ttlSeconds } = request;
  checkClaims(claims, "the token");
  if (claims.sub === undefined) {
    throw new KeystoreError(
      'the token needs a subject: give a "sub" claim, or mint for an identity',
    );
  }
  if (typeof issuer !== "string" || issuer === "") {
    throw new KeystoreError("the token needs an issuer (a non-empty string)");
  }
  if (audience !== undefined && !isAudience(audience)) {
    throw new KeystoreError("the audience must be a non-empty string or list of them");
  }
  checkTtl(ttlSeconds, String(ttlSeconds));

  const { info, privateKey } = await signer.signingKey();
  const now = Math.floor(Date.now() / 1000);
  const { sub, ...rest } = claims;
  const payload: JWTPayload = {
    iss: issuer,
    sub: sub as string,
    ...(audience !== undefined && { aud: audience }),
    ...rest,
    iat: now,
    // Valid at once: the gateway that checks it usually runs on the same clock.
    nbf: now,
    exp: now + ttlSeconds,
    jti: randomUUID(),
  };
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: info.alg, kid: info.kid, typ: "JWT" })
    .sign(privateKey);
  return { token, kid: info.kid, claims: payload, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/** "15m", "1h", "7d", "30s" or plain seconds ("3600"), up to 30 days. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) {
    throw new KeystoreError(
      `the ttl ${JSON.stringify(text)} is not a duration: give seconds ("3600") or a number with s, m, h or d ("15m", "1h", "7d")`,
    );
  }
  const [, amount = "", unit = ""] = match;
  const seconds = Number(amount) * TTL_UNITS[(unit || "s") as keyof typeof TTL_UNITS];
  checkTtl(seconds, text);
  return seconds;
}

function checkTtl(seconds: number, text: string): void {
  if (seconds > MAX_TTL_SECONDS) {
    throw new KeystoreError(`the ttl ${JSON.stringify(text)} is longer than the maximum of 30d`);
  }
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new KeystoreError(
      `the ttl ${JSON.stringify(text)} must be a positive whole number of seconds`,
    );
  }
}
