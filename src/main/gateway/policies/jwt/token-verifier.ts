import { jwtVerify, UnsecuredJWT, type JWTPayload } from "jose";
import { rejectionFromJose } from "./jose-rejection";
import type { KeySource } from "./key-source";
import { quoteUntrusted } from "./quote-untrusted";
import { MAX_TOKEN_LENGTH, readUntrustedToken } from "./untrusted-token";
import { VerifiedTokenCache } from "./verified-token-cache";
import { malformed, reject, type Rejected, type Verified } from "./verdict";

export interface ProviderSpec {
  issuer: string;
  /** When set and not empty, the token's `aud` must name one of them. */
  audiences?: string[];
  keys: KeySource;
  /** Claims a token must carry; replaces the default `["exp"]`, as in agentgateway. */
  requiredClaims?: string[];
}

export interface TokenVerifierOptions {
  /** Leeway for `exp` and `nbf` against clocks that disagree; 30 when unset. */
  clockToleranceSeconds?: number;
  /** Verified tokens remembered; 1000 when unset, 0 turns the cache off. */
  cacheSize?: number;
}

interface Provider {
  issuer: string;
  audiences: string[] | undefined;
  keys: KeySource;
  requiredClaims: string[];
}

/**
 * Verifies bearer JWTs for one `jwtAuth` policy: picks the provider by the token's issuer and
 * the key by its `kid`, lets the key (never the token) decide the algorithm, then checks the
 * signature and the claims with jose. Every refusal carries a reason written for the user.
 */
export class TokenVerifier {
  private readonly providers = new Map<string, Provider>();
  private readonly clockTolerance: number;
  private readonly cache: VerifiedTokenCache;

  constructor(providers: ProviderSpec[], options: TokenVerifierOptions = {}) {
    for (const { issuer, audiences, keys, requiredClaims } of providers) {
      if (this.providers.has(issuer)) {
        throw new Error(`two jwtAuth providers have the issuer ${quoteUntrusted(issuer)}`);
      }
      this.providers.set(issuer, {
        issuer,
        audiences: audiences?.length ? audiences : undefined,
        keys,
        requiredClaims: requiredClaims ?? ["exp"],
      });
    }
    this.clockTolerance = options.clockToleranceSeconds ?? 30;
    this.cache = new VerifiedTokenCache(options.cacheSize ?? 1000);
  }

  async verify(token: string): Promise<Verified | Rejected> {
    if (token.length > MAX_TOKEN_LENGTH) return reject("the token is too large");
    const now = Date.now();
    const cached = this.cache.get(token);
    if (cached) {
      if (!this.hasExpired(cached.expiresAt, now)) return cached;
      this.cache.delete(token);
      return reject("the token has expired");
    }

    const untrusted = readUntrustedToken(token);
    if ("reason" in untrusted) return untrusted;
    const { header, claims } = untrusted;
    const alg = header.alg;
    if (typeof alg !== "string" || alg === "") return malformed('the header has no "alg"');
    if (alg.toLowerCase() === "none")
      return reject('unsigned tokens (alg "none") are not accepted');
    const kid = header.kid;
    if (typeof kid !== "string" || kid === "") {
      return reject("the token header does not specify a `kid`");
    }
    const provider = this.providerFor(claims);
    if ("reason" in provider) return provider;

    // Read before the lookup: if the keys change meanwhile, the cache entry is already stale.
    const version = provider.keys.version;
    const key = await provider.keys.find(kid);
    if (!key) {
      const why = provider.keys.unavailable;
      return reject(
        why === undefined
          ? `token uses the unknown key ${quoteUntrusted(kid)}`
          : `no keys are available for issuer ${quoteUntrusted(provider.issuer)}: ${why}`,
      );
    }
    const cryptoKey = key.cryptoKeys.get(alg);
    if (!cryptoKey) {
      return reject(
        `the token algorithm ${quoteUntrusted(alg)} is not allowed for key ${quoteUntrusted(kid)}`,
      );
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, cryptoKey, {
        algorithms: [alg],
        ...this.claimChecks(provider, now, provider.requiredClaims),
      }));
    } catch (error) {
      return rejectionFromJose(error, provider.audiences ?? []);
    }
    const verified = verifiedBy(provider, payload);
    this.cache.add(token, Object.freeze(verified), provider.keys, version);
    return verified;
  }

  /**
   * What `verify` would say of a current token that carries these claims and is signed by a key
   * its provider trusts: the checks the claims decide (issuer, audience, required claims), with
   * the same reasons. The lifetime claims belong to a token, not to a caller: a required one
   * counts as present. For explaining who a route admits without a token at hand.
   */
  checkClaims(claims: Record<string, unknown>): Verified | Rejected {
    const provider = this.providerFor(claims);
    if ("reason" in provider) return provider;
    const required = provider.requiredClaims.filter((claim) => !LIFETIME_CLAIMS.has(claim));
    let payload: JWTPayload;
    try {
      const unsigned = new UnsecuredJWT(claims as JWTPayload).encode();
      ({ payload } = UnsecuredJWT.decode(
        unsigned,
        this.claimChecks(provider, Date.now(), required),
      ));
    } catch (error) {
      return rejectionFromJose(error, provider.audiences ?? []);
    }
    return verifiedBy(provider, payload);
  }

  /** The provider a token's `iss` names, or why there is none. */
  private providerFor(claims: Record<string, unknown>): Provider | Rejected {
    if (claims.iss === undefined) return reject('the token is missing the claim "iss"');
    const provider = typeof claims.iss === "string" ? this.providers.get(claims.iss) : undefined;
    return provider ?? reject(`the token issuer ${quoteUntrusted(claims.iss)} is not trusted`);
  }

  /** What jose checks of the claims, for a signed token and for bare claims alike. */
  private claimChecks(provider: Provider, now: number, requiredClaims: string[]) {
    return {
      issuer: provider.issuer,
      audience: provider.audiences,
      requiredClaims,
      clockTolerance: this.clockTolerance,
      currentDate: new Date(now),
    };
  }

  /** The same test jose applies to `exp`, so a cached token expires when a fresh one would. */
  private hasExpired(expiresAt: number | undefined, nowMs: number): boolean {
    return expiresAt !== undefined && expiresAt <= Math.floor(nowMs / 1000) - this.clockTolerance;
  }
}

/** Claims a token carries for its lifetime: `checkClaims` has no token, so none of them. */
const LIFETIME_CLAIMS = new Set(["exp", "nbf", "iat"]);

function verifiedBy(provider: Provider, payload: JWTPayload): Verified {
  return {
    ok: true,
    claims: deepFreeze(payload),
    issuer: provider.issuer,
    subject: typeof payload.sub === "string" ? payload.sub : undefined,
    expiresAt: typeof payload.exp === "number" ? payload.exp : undefined,
  };
}

/** Cached claims are shared by every request with the same token: none may change them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
