import type { IncomingMessage } from "node:http";
import { ANONYMOUS, type Caller } from "../caller";
import { HeaderEdits } from "../header-edits";
import { quoteUntrusted } from "../jwt/quote-untrusted";
import { failure } from "../oauth/answers";
import type { Answer, CompiledPolicy, PolicyRequest, StepResult } from "../policy";
import type { CookieSeal } from "./cookie-seal";
import {
  cookieNames,
  readCookie,
  setCookie,
  withoutReservedCookies,
  type CookieNames,
} from "./cookies";
import type { OidcProvider, ProviderEndpoints } from "./provider";
import type { RedirectUri } from "./redirect-uri";
import { exchangeCode, type OidcClient } from "./token-exchange";
import {
  codeChallenge,
  CompletedTransactions,
  isTransaction,
  newTransaction,
  readState,
  sameSecret,
  stateOf,
  TRANSACTION_TTL_SECONDS,
  type Transaction,
} from "./transaction";

/** A session lasts as long as its ID token, and at most an hour, as in agentgateway. */
const SESSION_TTL_SECONDS = 60 * 60;
/** agentgateway's budget for a session cookie's value, below browsers' ~4 KiB per cookie. */
const MAX_SESSION_COOKIE = 3800;

/** What the session cookie holds: the ID token, which names the caller on every request. */
interface Session {
  idToken: string;
  /** Seconds since the epoch: the ID token's `exp`, or sooner. */
  expiresAt: number;
}

export interface BrowserSignInSettings {
  /** Where the policy is written: its cookies' names and seals are its own. */
  policyId: string;
  client: OidcClient;
  redirect: RedirectUri;
  /** `openid` and the configured scopes, space-separated. */
  scope: string;
  provider: OidcProvider;
  seal: CookieSeal;
}

/** The provider's answer at the redirect path, as the query of the browser's request has it. */
interface Callback {
  state: string;
  code: string | null;
  error: string | null;
  errorDescription: string | null;
}

const NO_STORE = "no-store";
const now = () => Math.floor(Date.now() / 1000);

/**
 * The `oidc` policy: browser sign-in with OpenID Connect's authorization code flow, as
 * agentgateway has it. A request with a valid session cookie is its ID token's caller (`jwt`
 * in rules). Without one, a browser navigating here is sent to the provider, with `state`,
 * `nonce` and PKCE sealed in a cookie of that browser; the provider's answer at the redirect
 * path is checked against that cookie, the code is exchanged, the ID token verified, and the
 * browser gets its session and goes back where it was going. Each sign-in completes once.
 */
export class BrowserSignIn implements CompiledPolicy {
  readonly variesByCaller = true;
  private readonly cookies: CookieNames;
  private readonly completed = new CompletedTransactions();

  constructor(private readonly settings: BrowserSignInSettings) {
    this.cookies = cookieNames(settings.policyId);
  }

  handle(request: PolicyRequest): StepResult | Promise<StepResult> {
    const callback = this.callbackOf(request);
    if (callback) return this.finishSignIn(request.req, callback);
    const sealed = readCookie(request.req.headers.cookie, this.cookies.session);
    hideReservedCookies(request);
    // A preflight carries no cookies; the browser's real request will (agentgateway).
    if (isPreflight(request.req)) return undefined;
    if (sealed === undefined) return this.unauthenticated(request, "no OIDC session");
    return this.resume(request, sealed);
  }

  close(): Promise<void> {
    return this.settings.provider.close();
  }

  private async resume(request: PolicyRequest, sealed: string): Promise<StepResult> {
    const session = this.settings.seal.open(this.binding("session"), sealed);
    if (!isSession(session)) {
      return this.unauthenticated(request, "the OIDC session cookie is not valid");
    }
    if (session.expiresAt <= now()) {
      return this.unauthenticated(request, "the OIDC session has expired");
    }
    let provider: ProviderEndpoints;
    try {
      provider = await this.settings.provider.endpoints();
    } catch (error) {
      return failure(502, error as Error, {});
    }
    const verdict = await provider.idTokens.verify(session.idToken);
    if (!verdict.ok) {
      return this.unauthenticated(request, `the session's ID token: ${verdict.reason}`);
    }
    const caller: Caller = {
      claims: verdict.claims as Record<string, unknown>,
      subject: verdict.subject,
      issuer: verdict.issuer,
      // As agentgateway's JWT claims: backendAuth.passthrough forwards the ID token.
      token: session.idToken,
    };
    const previous = request.caller;
    request.caller = previous === ANONYMOUS ? caller : { ...previous, ...caller };
    return undefined;
  }

  /**
   * A browser navigating here signs in. Anything else (an API call, a script's fetch, a
   * non-GET) cannot follow a login page, so it is refused with 401 and the reason instead of
   * being redirected as agentgateway does.
   */
  private unauthenticated(request: PolicyRequest, reason: string): StepResult | Promise<Answer> {
    if (isNavigation(request.req)) return this.startSignIn(request.req);
    return {
      status: 401,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: `authentication failure: ${reason}; sign in with a browser`,
      reason,
    };
  }

  private async startSignIn(req: IncomingMessage): Promise<Answer> {
    let provider: ProviderEndpoints;
    try {
      provider = await this.settings.provider.endpoints();
    } catch (error) {
      return failure(502, error as Error, {});
    }
    const transaction = newTransaction(req.url ?? "/");
    const { client, scope } = this.settings;
    const location = new URL(provider.authorization);
    const query = location.searchParams;
    query.append("response_type", "code");
    query.append("client_id", client.clientId);
    query.append("redirect_uri", client.redirectUri);
    query.append("scope", scope);
    query.append("state", stateOf(transaction));
    query.append("nonce", transaction.nonce);
    query.append("code_challenge", codeChallenge(transaction));
    query.append("code_challenge_method", "S256");
    const sealed = this.settings.seal.seal(this.binding("transaction"), transaction);
    const cookie = this.cookie(
      this.transactionCookie(transaction.id),
      sealed,
      TRANSACTION_TTL_SECONDS,
    );
    return {
      status: 302,
      headers: { Location: location.href, "Set-Cookie": [cookie], "Cache-Control": NO_STORE },
      body: "",
    };
  }

  /** The provider's answer, when the request is one: a GET of the redirect path with a state. */
  private callbackOf(request: PolicyRequest): Callback | undefined {
    const { req, path } = request;
    if (req.method !== "GET" || path !== this.settings.redirect.path) return undefined;
    const url = req.url ?? "";
    const queryAt = url.indexOf("?");
    if (queryAt === -1) return undefined;
    const query = new URLSearchParams(url.slice(queryAt + 1));
    const state = query.get("state");
    const code = query.get("code");
    const error = query.get("error");
    if (state === null || (code === null && error === null)) return undefined;
    return { state, code, error, errorDescription: query.get("error_description") };
  }

  private async finishSignIn(req: IncomingMessage, callback: Callback): Promise<Answer> {
    const state = readState(callback.state);
    if (!state) return refusal("the state is not one this gateway issued");
    const name = this.transactionCookie(state.id);
    const sealed = readCookie(req.headers.cookie, name);
    if (sealed === undefined) {
      return refusal(
        "this browser has no sign-in under way for this state (it began in another browser, or its cookie expired)",
      );
    }
    // Whatever happens now, this sign-in is over: its cookie goes.
    const clear = this.cookie(name, "", 0);
    const transaction = this.settings.seal.open(this.binding("transaction"), sealed);
    if (!isTransaction(transaction) || transaction.id !== state.id) {
      return refusal("the sign-in cookie is not valid", clear);
    }
    if (!sameSecret(transaction.csrf, state.csrf)) {
      return refusal("the state does not match this browser's sign-in", clear);
    }
    if (transaction.expiresAt <= now()) return refusal("the sign-in took too long", clear);
    if (!this.completed.complete(transaction)) {
      return refusal("this sign-in was already completed", clear);
    }
    if (callback.error !== null) {
      const described =
        callback.errorDescription === null ? "" : ` (${quoteUntrusted(callback.errorDescription)})`;
      return refusal(
        `the identity provider refused the sign-in: ${quoteUntrusted(callback.error)}${described}`,
        clear,
      );
    }
    if (!callback.code) return refusal("the identity provider sent an empty code", clear);
    return this.establishSession(transaction, callback.code, clear);
  }

  /** Exchanges the code, checks the ID token, and sends the browser back with its session. */
  private async establishSession(
    transaction: Transaction,
    code: string,
    clear: string,
  ): Promise<Answer> {
    const providerFailure = (error: Error) => failure(502, error, { "Set-Cookie": clear });
    let provider: ProviderEndpoints;
    let idToken: string;
    try {
      provider = await this.settings.provider.endpoints();
      idToken = await exchangeCode(provider, this.settings.client, code, transaction.verifier);
    } catch (error) {
      return providerFailure(error as Error);
    }
    const verdict = await provider.idTokens.verify(idToken);
    if (!verdict.ok) {
      return providerFailure(new Error(`the identity provider's ID token: ${verdict.reason}`));
    }
    const { nonce } = verdict.claims;
    if (typeof nonce !== "string" || !sameSecret(nonce, transaction.nonce)) {
      return refusal("the ID token's nonce is not this sign-in's", clear);
    }
    const expiresAt = Math.min(now() + SESSION_TTL_SECONDS, verdict.expiresAt ?? Infinity);
    const session: Session = { idToken, expiresAt };
    const sealed = this.settings.seal.seal(this.binding("session"), session);
    if (sealed.length > MAX_SESSION_COOKIE) {
      return providerFailure(
        new Error(
          `the identity provider's ID token is too large to keep in a session cookie (${sealed.length} > ${MAX_SESSION_COOKIE} characters sealed)`,
        ),
      );
    }
    const cookie = this.cookie(this.cookies.session, sealed, expiresAt - now());
    return {
      status: 302,
      headers: {
        Location: transaction.returnTo,
        "Set-Cookie": [cookie, clear],
        "Cache-Control": NO_STORE,
      },
      body: "",
    };
  }

  private transactionCookie(id: string): string {
    return `${this.cookies.transactionPrefix}.${id}`;
  }

  private cookie(name: string, value: string, maxAge: number): string {
    return setCookie(name, value, { maxAge, secure: this.settings.redirect.https });
  }

  /** What a sealed value is bound to: its purpose, and this policy. */
  private binding(purpose: "session" | "transaction"): string {
    return `${purpose}\n${this.settings.policyId}`;
  }
}

/** A callback refused for the browser's doing: 400 and the reason, logged as a denial. */
function refusal(reason: string, clear?: string): Answer {
  return {
    status: 400,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": NO_STORE,
      ...(clear !== undefined && { "Set-Cookie": clear }),
    },
    body: `sign-in failed: ${reason}`,
    reason,
  };
}

/**
 * Takes the reserved cookies out of the request for everything after this step: rules, other
 * services asked about it, and targets never see a session.
 */
function hideReservedCookies(request: PolicyRequest): void {
  const header = request.req.headers.cookie;
  if (header === undefined) return;
  const kept = withoutReservedCookies(header);
  if (kept === header) return;
  request.editHeaders(
    new HeaderEdits([
      kept === undefined
        ? { kind: "remove", name: "cookie" }
        : { kind: "set", name: "cookie", value: kept },
    ]),
  );
}

function isSession(value: unknown): value is Session {
  const session = value as Session | null;
  return (
    typeof session === "object" &&
    session !== null &&
    typeof session.idToken === "string" &&
    typeof session.expiresAt === "number"
  );
}

/** What a browser sends when a person opens a page: a GET that accepts HTML. */
function isNavigation(req: IncomingMessage): boolean {
  if (req.method !== "GET") return false;
  const accept = req.headers.accept;
  if (accept === undefined) return false;
  return accept.split(",").some((range) => {
    const type = range.split(";", 1)[0] as string;
    return type.trim().toLowerCase() === "text/html";
  });
}

function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === "OPTIONS" &&
    req.headers.origin !== undefined &&
    (req.headers["access-control-request-method"] ?? "") !== ""
  );
}
