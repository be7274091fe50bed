import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { errors } from "oidc-provider";

/**
 * How the test authorization server lays itself out, after the identity provider it stands in
 * for: where its issuer, keys, registration and endpoints are.
 */
export type Flavour = "standard" | "keycloak" | "authentik" | "entra";

/** The audience of Entra tokens: the app registration's application ID URI. */
export const ENTRA_AUDIENCE = "api://gatehouse-app";

export interface AuthorizationServer {
  issuer: string;
  /** Every request it answered (method, path and query), oldest first. */
  requests: { method: string; path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

interface Layout {
  /** Where the issuer's path starts on this server. */
  mount: string;
  issuerPath: string;
  routes: Record<string, string>;
  registration: boolean;
}

const ENTRA_TENANT = "11111111-2222-3333-4444-555555555555";

const LAYOUTS: Record<Flavour, Layout> = {
  // RFC 8414 discovery at the origin (mapped below), keys where the gateway looks by default.
  standard: {
    mount: "",
    issuerPath: "",
    routes: { jwks: "/.well-known/jwks.json" },
    registration: true,
  },
  keycloak: {
    mount: "/realms/mcp",
    issuerPath: "/realms/mcp",
    routes: {
      authorization: "/protocol/openid-connect/auth",
      token: "/protocol/openid-connect/token",
      jwks: "/protocol/openid-connect/certs",
      registration: "/clients-registrations/openid-connect",
    },
    registration: true,
  },
  authentik: {
    mount: "/application/o/gatehouse",
    issuerPath: "/application/o/gatehouse/",
    routes: { jwks: "/jwks/" },
    registration: false,
  },
  entra: {
    mount: `/${ENTRA_TENANT}`,
    issuerPath: `/${ENTRA_TENANT}/v2.0`,
    routes: {
      authorization: "/oauth2/v2.0/authorize",
      token: "/oauth2/v2.0/token",
      jwks: "/discovery/v2.0/keys",
    },
    registration: false,
  },
};

/**
 * A real OAuth 2.1 / OpenID Connect authorization server (oidc-provider) on 127.0.0.1: dynamic
 * registration where the flavour has it, authorization code with PKCE, a login and a consent
 * page, and JWT access tokens whose audience is the requested resource (RFC 8707). Entra's
 * stand-in refuses any `resource` but its own, as Entra does (AADSTS9010010), and grants its
 * own audience by default, and does not send RFC 9207's `iss` with the code, as Entra does not.
 */
export async function startAuthorizationServer(
  flavour: Flavour,
  clients: Record<string, unknown>[] = [],
  { idTokenTtlSeconds }: { idTokenTtlSeconds?: number } = {},
): Promise<AuthorizationServer> {
  const layout = LAYOUTS[flavour];
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const issuer = origin + layout.issuerPath;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid: "test-rs256", alg: "RS256", use: "sig" };
  const entra = flavour === "entra";

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signing] },
    cookies: { keys: ["a cookie key for tests only"] },
    routes: layout.routes,
    scopes: ["openid", "offline_access", "mcp:tools"],
    ...(idTokenTtlSeconds !== undefined && { ttl: { IdToken: idTokenTtlSeconds } }),
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub }),
    }),
    features: {
      registration: { enabled: layout.registration },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => (entra ? ENTRA_AUDIENCE : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (entra && resource !== ENTRA_AUDIENCE) {
            throw new errors.InvalidTarget(
              "AADSTS9010010: the resource parameter is not supported",
            );
          }
          return {
            scope: "mcp:tools",
            audience: resource,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
  });
  if (entra) {
    provider.on("authorization.success", (_ctx, response) => {
      delete (response as { iss?: string }).iss;
    });
  }
  const serve = provider.callback();
  const requests: AuthorizationServer["requests"] = [];

  http.on("request", (req: IncomingMessage & { originalUrl?: string }, res) => {
    const url = new URL(req.url ?? "/", origin);
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams });
    let path = url.pathname;
    // RFC 8414 for the standard flavour; Entra's discovery document sits below `v2.0`.
    if (flavour === "standard" && path === "/.well-known/oauth-authorization-server") {
      path = "/.well-known/openid-configuration";
    } else if (entra && path === `${layout.issuerPath}/.well-known/openid-configuration`) {
      path = `${layout.mount}/.well-known/openid-configuration`;
      describeAsEntra(res);
    }
    if (!path.startsWith(layout.mount)) {
      res.writeHead(404).end();
      return;
    }
    // Mounted as Express would: the provider sees its own path, and the whole one as original.
    req.originalUrl = path + url.search;
    req.url = path.slice(layout.mount.length) + url.search;
    serve(req, res);
  });

  return {
    issuer,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/**
 * Entra's discovery document says less than oidc-provider's: not that it takes PKCE's S256
 * (it does), nor that it sends RFC 9207's `iss` with the code (it does not).
 */
function describeAsEntra(res: ServerResponse): void {
  const end = res.end.bind(res) as (body: string) => ServerResponse;
  res.end = ((body: Buffer | string) => {
    const document = JSON.parse(body.toString()) as Record<string, unknown>;
    delete document.code_challenge_methods_supported;
    delete document.authorization_response_iss_parameter_supported;
    const text = JSON.stringify(document);
    res.setHeader("content-length", Buffer.byteLength(text));
    return end(text);
  }) as ServerResponse["end"];
}
