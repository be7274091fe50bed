import type { IncomingMessage } from "node:http";
import type { KeySource, Rejected, TokenVerifier, Verified } from "./jwt";
import { bearerToken } from "./bearer";
import { ANONYMOUS, type Caller } from "./caller";
import { readClaimedCaller } from "./jwt/untrusted-token";
import type { Answer, CompiledPolicy, PolicyRequest, StepResult } from "./policy";

export type JwtMode = "strict" | "optional" | "permissive";

/** A refused request: what the client is told, and the reason for the log. */
export type Refusal = Answer & { reason: string };

export type AuthOutcome = { caller: Caller; refusal?: undefined } | { refusal: Refusal };

/** How a policy asks for a (better) token: jwtAuth and mcpAuthentication answer differently. */
export type Challenge = (reason: string, tokenGiven: boolean, req: IncomingMessage) => Refusal;

/**
 * Bearer-token authentication with agentgateway's modes: `strict` wants a valid token;
 * `optional` lets a request without one pass but refuses a bad one; `permissive` never refuses.
 */
export class Authenticator implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly mode: JwtMode,
    private readonly challenge: Challenge,
    private readonly keySources: KeySource[],
  ) {}

  /**
   * A valid token names the caller; passing without one keeps whoever an earlier step named.
   * What an earlier `apiKey` or `basicAuth` verified stays visible to rules, as in agentgateway.
   */
  async handle(request: PolicyRequest): Promise<StepResult> {
    return admit(request, await this.authenticate(request.req));
  }

  /**
   * `handle` for a caller known by its claims alone: what a current token carrying them, signed
   * by a key the provider trusts, would get (TokenVerifier.checkClaims). Explains access.
   */
  handleClaims(request: PolicyRequest, claims: Record<string, unknown>): StepResult {
    return admit(request, this.outcome(this.verifier.checkClaims(claims), undefined, request.req));
  }

  async authenticate(req: IncomingMessage): Promise<AuthOutcome> {
    const token = bearerToken(req);
    if (token === undefined) {
      if (this.mode !== "strict") return { caller: ANONYMOUS };
      return { refusal: this.challenge("no bearer token found", false, req) };
    }
    return this.outcome(await this.verify(token), token, req);
  }

  /** What the mode makes of a verdict on a presented token (or on claims, without one). */
  private outcome(
    verdict: Verified | Rejected,
    token: string | undefined,
    req: IncomingMessage,
  ): AuthOutcome {
    if (!verdict.ok) {
      if (this.mode === "permissive") return { caller: ANONYMOUS };
      const refusal = this.challenge(verdict.reason, true, req);
      return {
        refusal: token === undefined ? refusal : { ...refusal, claimed: readClaimedCaller(token) },
      };
    }
    return {
      caller: {
        claims: verdict.claims as Record<string, unknown>,
        subject: verdict.subject,
        issuer: verdict.issuer,
        token,
      },
    };
  }

  /** The verdict on a token: what `authenticate` acts on, and what token inspection shows. */
  verify(token: string): Promise<Verified | Rejected> {
    return this.verifier.verify(token);
  }

  async close(): Promise<void> {
    await Promise.all(this.keySources.map((source) => source.close()));
  }
}

/** The request's caller after an outcome: named anew, or kept (with what it adds), or refused. */
function admit(request: PolicyRequest, outcome: AuthOutcome): StepResult {
  if (outcome.refusal) return outcome.refusal;
  if (outcome.caller === ANONYMOUS) return undefined;
  const previous = request.caller;
  request.caller = previous === ANONYMOUS ? outcome.caller : { ...previous, ...outcome.caller };
  return undefined;
}
