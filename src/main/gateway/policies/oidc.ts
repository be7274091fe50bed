import { z } from "zod";
import { evenBesideOtherProblems, stringList } from "../../config/schema-parts";
import { bestPathMatch } from "../routes";
import { jwksSchema } from "./jwt-auth";
import { BrowserSignIn } from "./oidc/browser-sign-in";
import { CookieSeal } from "./oidc/cookie-seal";
import { discoveryUrl, isHttpUrl, OidcProvider, type ProviderSource } from "./oidc/provider";
import { parseRedirectUri } from "./oidc/redirect-uri";
import { definePolicy } from "./policy";

const endpoint = (what: string) =>
  z
    .string()
    .refine(isHttpUrl, { error: `${what} must be an absolute http(s) URL` })
    .optional();

/** The three keys that replace discovery, all or none. */
const EXPLICIT = ["authorizationEndpoint", "tokenEndpoint", "jwks"] as const;

const oidcSchema = z
  .strictObject({
    issuer: z.string().min(1).describe("The provider's issuer: discovery and ID token `iss`."),
    discovery: z
      .union(
        [
          z.string().describe("The discovery document as inline JSON."),
          z.strictObject({ file: z.string().describe("A file holding the discovery document.") }),
          z.strictObject({ url: z.url().describe("Where the discovery document is served.") }),
        ],
        { error: "discovery must be inline JSON, {file: <path>} or {url: <URL>}" },
      )
      .optional()
      .describe(
        "Where the discovery document is; default `<issuer>/.well-known/openid-configuration`.",
      ),
    authorizationEndpoint: endpoint("authorizationEndpoint").describe(
      "The authorization endpoint, instead of discovery (with tokenEndpoint and jwks).",
    ),
    tokenEndpoint: endpoint("tokenEndpoint").describe(
      "The token endpoint, instead of discovery (with authorizationEndpoint and jwks).",
    ),
    tokenEndpointAuth: z
      .enum(["clientSecretBasic", "clientSecretPost"])
      .optional()
      .describe(
        "How the gateway authenticates at tokenEndpoint (written-out endpoints only; default clientSecretBasic).",
      ),
    jwks: jwksSchema
      .optional()
      .describe("The keys ID tokens are signed with, instead of discovery (with the endpoints)."),
    clientId: z
      .string()
      .min(1)
      .describe("The gateway's client id at the provider: ID tokens' `aud`."),
    clientSecret: z
      .string()
      .min(1)
      .describe("The client's secret (write $VAR to take it from the environment)."),
    redirectURI: z
      .string()
      .describe(
        "The absolute URL of the gateway's callback, as registered with the provider; its path must reach this policy.",
      ),
    scopes: stringList.optional().describe("Scopes asked for besides `openid`, which always is."),
  })
  .superRefine((value, ctx) => {
    const problem = (path: string[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const written = EXPLICIT.filter((key) => value[key] !== undefined);
    if (written.length > 0 && written.length < EXPLICIT.length) {
      problem(
        [],
        "authorizationEndpoint, tokenEndpoint, and jwks must either all be set or all be omitted",
      );
    }
    if (written.length === EXPLICIT.length && value.discovery !== undefined) {
      problem(
        ["discovery"],
        "oidc discovery must be omitted when authorizationEndpoint, tokenEndpoint, and jwks are configured explicitly",
      );
    }
    if (value.tokenEndpointAuth !== undefined && written.length !== EXPLICIT.length) {
      problem(
        ["tokenEndpointAuth"],
        "tokenEndpointAuth must be omitted unless authorizationEndpoint, tokenEndpoint, and jwks are configured explicitly",
      );
    }
  }, evenBesideOtherProblems)
  .describe(
    "Browser sign-in with OpenID Connect (authorization code with PKCE) and an encrypted session cookie.",
  );

/**
 * `oidc`, as agentgateway has it: browsers sign in at the provider, and the ID token in their
 * session cookie names the caller. The cookie key is `OIDC_COOKIE_SECRET` when set, else one of
 * this process (agentgateway requires the variable).
 */
export const oidc = definePolicy({
  key: "oidc",
  schema: oidcSchema,
  attachments: ["gateway", "listener", "route"],
  step: "authenticate",
  async compile(config, path, ctx) {
    const redirect = parseRedirectUri(config.redirectURI);
    if (typeof redirect === "string") {
      ctx.problem([...path, "redirectURI"], redirect);
      return undefined;
    }
    // On a route, the provider's answer must come back to this route, or no sign-in completes.
    const routePaths = ctx.routePaths ?? [];
    if (routePaths.length > 0 && !bestPathMatch(routePaths, redirect.path)) {
      ctx.problem(
        [...path, "redirectURI"],
        `the route does not match the redirectURI path ${redirect.path}, so no sign-in could complete: add a match for it (path: {exact: ${redirect.path}})`,
      );
      return undefined;
    }
    const seal = CookieSeal.fromEnvironment();
    if (typeof seal === "string") {
      ctx.problem(path, seal);
      return undefined;
    }
    const { issuer, clientId } = config;
    const { authorizationEndpoint, tokenEndpoint, jwks } = config;
    const explicit =
      authorizationEndpoint !== undefined && tokenEndpoint !== undefined && jwks !== undefined;
    const source: ProviderSource = explicit
      ? {
          issuer,
          clientId,
          authorizationEndpoint,
          tokenEndpoint,
          tokenEndpointAuth: config.tokenEndpointAuth ?? "clientSecretBasic",
          jwks,
        }
      : { issuer, clientId, discovery: config.discovery ?? { url: discoveryUrl(issuer) } };
    const at = [...path, explicit ? "jwks" : config.discovery ? "discovery" : "issuer"];
    const provider = await OidcProvider.open(source, at, ctx);
    if (!provider) return undefined;
    return new BrowserSignIn({
      policyId: path.join("."),
      client: { clientId, clientSecret: config.clientSecret, redirectUri: redirect.href },
      redirect,
      scope: [...new Set(["openid", ...(config.scopes ?? [])])].join(" "),
      provider,
      seal,
    });
  },
});
