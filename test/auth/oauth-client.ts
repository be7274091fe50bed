import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/** Where the authorization server sends the browser back; nothing listens, sign-in stops there. */
export const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

/**
 * An MCP client's OAuth state, kept in memory as the SDK asks it to: what registration gave,
 * the PKCE verifier, the tokens, and the URL the user would be sent to.
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private information: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = "";

  get redirectUrl(): string {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "gatehouse test client",
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

/**
 * What a person does in the browser, done with HTTP requests: follows the redirects from the
 * authorization URL, signs in and consents on the authorization server's forms, and returns
 * where the authorization server sends the browser back, at `redirectUri`, with the code.
 * Cookies are kept as a browser would.
 */
export async function signIn(authorizationUrl: URL, redirectUri = REDIRECT_URI): Promise<URL> {
  const cookies = new Map<string, string>();
  let next = authorizationUrl.href;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    if (next.startsWith(redirectUri)) {
      const back = new URL(next);
      if (back.searchParams.has("code")) return back;
      throw new Error(`the authorization server refused: ${back.search}`);
    }
    const headers: Record<string, string> = {};
    if (cookies.size) {
      headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const answer = await fetch(next, {
      method: form ? "POST" : "GET",
      headers,
      body: form?.toString(),
      redirect: "manual",
    });
    for (const cookie of answer.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = answer.headers.get("location");
    if (answer.status >= 300 && answer.status < 400 && location) {
      next = new URL(location, next).href;
      form = undefined;
      continue;
    }
    const page = await answer.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (answer.status !== 200 || !action) {
      throw new Error(`sign-in stopped at ${next}: HTTP ${answer.status} ${page.slice(0, 500)}`);
    }
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1] ?? "";
    form = new URLSearchParams({ prompt });
    if (prompt === "login") {
      form.set("login", "alice");
      form.set("password", "any");
    }
    next = new URL(action.replaceAll("&amp;", "&"), next).href;
  }
  throw new Error("sign-in took more than 20 steps");
}
