/** The OAuth endpoints of one Microsoft Entra ID tenant. */
export interface EntraEndpoints {
  openidConfiguration: string;
  authorization: string;
  token: string;
  jwks: string;
}

/**
 * A tenant's endpoints, from either issuer form: `https://login.microsoftonline.com/<tenant>/v2.0`
 * (v2 tokens) or `https://sts.windows.net/<tenant>/` (v1 tokens). The interactive endpoints are
 * on the login host in both cases; other hosts (sovereign clouds) are kept. Throws an Error
 * written for the user when the issuer names no tenant.
 *
 * agentgateway always uses https; the issuer's own scheme is kept here, which changes nothing
 * for Entra and lets a stand-in tenant on a loopback address serve plain http.
 */
export function entraEndpoints(issuer: string): EntraEndpoints {
  const expected =
    "expected https://login.microsoftonline.com/<tenant>/v2.0 or https://sts.windows.net/<tenant>/";
  if (!URL.canParse(issuer))
    throw new Error(`the Entra issuer "${issuer}" is not a URL: ${expected}`);
  const url = new URL(issuer);
  const tenant = url.pathname.split("/").find((segment) => segment !== "");
  if (!tenant) throw new Error(`the Entra issuer "${issuer}" names no tenant: ${expected}`);
  const host =
    url.host.toLowerCase() === "sts.windows.net" ? "login.microsoftonline.com" : url.host;
  const authority = `${url.protocol}//${host}/${tenant}`;
  return {
    openidConfiguration: `${authority}/v2.0/.well-known/openid-configuration`,
    authorization: `${authority}/oauth2/v2.0/authorize`,
    token: `${authority}/oauth2/v2.0/token`,
    jwks: `${authority}/discovery/v2.0/keys`,
  };
}
