import { entraEndpoints } from "./entra-endpoints";

export const PROVIDER_NAMES = [
  "auth0",
  "keycloak",
  "okta",
  "descope",
  "authentik",
  "entra",
] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * What a provider does about dynamic client registration (RFC 7591) when no `clientId` is
 * configured: `own` leaves the provider's endpoint to clients; `forward` replaces the endpoint
 * its metadata names with the gateway's, which forwards to `url` (the provider sends no CORS
 * headers); `missing` has none, so the gateway advertises its own, which can only say why.
 */
export type Registration =
  | { kind: "own" }
  | { kind: "forward"; url(issuer: string): string }
  | { kind: "missing"; why: string };

/** How the gateway stands in for one kind of identity provider, as agentgateway adapts it. */
export interface IdentityProvider {
  /** Where its authorization server metadata is. */
  metadataUrl(issuer: string): string;
  /** Where its signing keys are, for a config without `jwks`. Throws for an issuer it cannot read. */
  jwksUrl(issuer: string): string;
  /** It ignores RFC 8707's `resource`: the first audience is asked for in `audience` instead. */
  audienceParameter?: true;
  /** It refuses RFC 8707's `resource`: its authorize and token endpoints are proxied without it. */
  proxiesAuthorization?: true;
  registration: Registration;
}

const trimmed = (issuer: string) => issuer.replace(/\/+$/, "");

/** RFC 8414: the well-known part goes between the issuer's origin and its path. */
function rfc8414MetadataUrl(issuer: string): string {
  if (!URL.canParse(issuer)) return `${trimmed(issuer)}/.well-known/oauth-authorization-server`;
  const { origin, pathname } = new URL(issuer);
  return `${origin}/.well-known/oauth-authorization-server${pathname === "/" ? "" : pathname}`;
}

/** OpenID Connect Discovery: the document below the issuer's path. */
const openidMetadataUrl = (issuer: string) => `${trimmed(issuer)}/.well-known/openid-configuration`;

const conventionalJwksUrl = (issuer: string) => `${trimmed(issuer)}/.well-known/jwks.json`;

/** Descope's agentic issuers: https://api.descope.com/v1/apps/agentic/<project>/<server>. */
function descopeAgenticIssuer(issuer: string) {
  if (!URL.canParse(issuer)) return undefined;
  const url = new URL(issuer);
  const [v1, apps, agentic, project, server] = url.pathname.split("/").slice(1);
  if (v1 !== "v1" || apps !== "apps" || agentic !== "agentic" || !project || !server) {
    return undefined;
  }
  return { url, project, server };
}

/** Issuers without a provider: the standards as written. */
export const STANDARD: IdentityProvider = {
  metadataUrl: rfc8414MetadataUrl,
  jwksUrl: conventionalJwksUrl,
  registration: { kind: "own" },
};

export const IDENTITY_PROVIDERS: Record<ProviderName, IdentityProvider> = {
  auth0: {
    metadataUrl: rfc8414MetadataUrl,
    jwksUrl: conventionalJwksUrl,
    audienceParameter: true,
    registration: { kind: "own" },
  },
  // Keycloak serves RFC 8414 only from 26.4; OIDC discovery works with every version.
  keycloak: {
    metadataUrl: openidMetadataUrl,
    jwksUrl: (issuer) => `${trimmed(issuer)}/protocol/openid-connect/certs`,
    registration: {
      kind: "forward",
      url: (issuer) => `${trimmed(issuer)}/clients-registrations/openid-connect`,
    },
  },
  okta: {
    metadataUrl: openidMetadataUrl,
    jwksUrl: conventionalJwksUrl,
    audienceParameter: true,
    // Registration belongs to the org, not to the authorization server the issuer names.
    registration: {
      kind: "forward",
      url: (issuer) => `${new URL(issuer).origin}/oauth2/v1/clients`,
    },
  },
  descope: {
    metadataUrl: openidMetadataUrl,
    jwksUrl(issuer) {
      const agentic = descopeAgenticIssuer(issuer);
      if (!agentic) return conventionalJwksUrl(issuer);
      // The keys of an agentic issuer are the project's.
      return `${agentic.url.origin}/${agentic.project}/.well-known/jwks.json`;
    },
    registration: {
      kind: "forward",
      url(issuer) {
        const agentic = descopeAgenticIssuer(issuer);
        if (!agentic) {
          throw new Error(
            "Descope registers clients only for an agentic issuer (https://api.descope.com/v1/apps/agentic/<project>/<server>); set clientId instead",
          );
        }
        const { url, project, server } = agentic;
        return `${url.origin}/v1/mgmt/mcp/client/${project}/${server}/register`;
      },
    },
  },
  authentik: {
    metadataUrl: openidMetadataUrl,
    jwksUrl: (issuer) => `${trimmed(issuer)}/jwks/`,
    registration: {
      kind: "missing",
      why: "authentik does not support dynamic client registration: set clientId on mcpAuthentication to a pre-registered public client",
    },
  },
  entra: {
    metadataUrl: (issuer) => entraEndpoints(issuer).openidConfiguration,
    jwksUrl: (issuer) => entraEndpoints(issuer).jwks,
    proxiesAuthorization: true,
    registration: {
      kind: "missing",
      why: "Entra ID does not support dynamic client registration: set clientId on mcpAuthentication to a pre-registered app registration",
    },
  },
};
