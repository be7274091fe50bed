import { quoteUntrusted } from "../jwt/quote-untrusted";
import { callIdentityProvider } from "../oauth/idp-call";
import type { ProviderEndpoints } from "./provider";

/** The gateway as the provider's client. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * Trades an authorization code, with the PKCE verifier of its sign-in, for the ID token at the
 * provider's token endpoint; the client authenticates as the provider asks. The call is bounded
 * in time and size (callIdentityProvider). Throws an Error that says what went wrong, for the
 * log and the browser; what the provider says is quoted, never reproduced.
 */
export async function exchangeCode(
  provider: ProviderEndpoints,
  client: OidcClient,
  code: string,
  verifier: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
  });
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (provider.tokenEndpointAuth === "clientSecretBasic") {
    headers.authorization = `Basic ${basicCredentials(client)}`;
  } else {
    form.set("client_id", client.clientId);
    form.set("client_secret", client.clientSecret);
  }
  const answer = await callIdentityProvider(provider.token, {
    method: "POST",
    headers,
    body: form.toString(),
  });
  const failed = (why: string) =>
    new Error(`the identity provider's token endpoint ${provider.token} ${why}`);
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(answer.body.toString("utf8"));
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Said below, by status.
  }
  if (answer.status !== 200) {
    const said = body?.error === undefined ? "" : `: ${quoteUntrusted(body.error)}`;
    const described =
      body?.error_description === undefined ? "" : ` (${quoteUntrusted(body.error_description)})`;
    throw failed(`answered HTTP ${answer.status}${said}${described}`);
  }
  if (!body) throw failed("sent something that is not a JSON object");
  if (typeof body.id_token !== "string") throw failed("sent no id_token");
  return body.id_token;
}

/** RFC 6749 §2.3.1: each part form-urlencoded, then `id:secret` in base64. */
function basicCredentials({ clientId, clientSecret }: OidcClient): string {
  const encode = (value: string) => new URLSearchParams([["", value]]).toString().slice(1);
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64");
}
