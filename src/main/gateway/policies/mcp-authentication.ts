import type { IncomingMessage } from "node:http";
import type { McpAuthenticationConfig } from "../../config/schema";
import { Authenticator, type Challenge } from "./authenticator";
import { quoted } from "./bearer";
import type { CompileContext, ConfigPath } from "./compile-context";
import { TokenVerifier } from "./jwt";
import { openProviders } from "./jwt-auth";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";
const MCP_PROTOCOL_VERSION = "2025-06-18";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `mcpAuthentication`: OAuth for MCP clients (RFC 9728). The route serves its protected-resource
 * metadata, which names the authorization server, and a refused request points there in its
 * `WWW-Authenticate` header, so clients that speak OAuth discover where to get a token.
 */
export class McpAuthentication {
  constructor(
    readonly authenticator: Authenticator,
    private readonly config: McpAuthenticationConfig,
  ) {}

  /** The metadata document, when the request asks for it; undefined for every other path. */
  metadata(req: IncomingMessage, path: string): Answer | undefined {
    if (path !== WELL_KNOWN && !path.startsWith(WELL_KNOWN + "/")) return undefined;
    const headers = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, OPTIONS",
      "Access-Control-Allow-Headers": "content-type",
    };
    if (req.method === "OPTIONS") return { status: 200, headers, body: "" };
    const document = {
      resource: `${baseUrl(req, this.config)}${path.slice(WELL_KNOWN.length)}`,
      authorization_servers: [this.config.issuer],
      mcp_protocol_version: MCP_PROTOCOL_VERSION,
      resource_type: "mcp-server",
      ...snakeCaseKeys(this.config.resourceMetadata),
    };
    return {
      status: 200,
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify(document),
    };
  }
}

export async function compileMcpAuthentication(
  config: McpAuthenticationConfig,
  keepToken: boolean,
  path: ConfigPath,
  ctx: CompileContext,
): Promise<McpAuthentication | undefined> {
  const jwks = config.jwks ?? { url: defaultJwksUrl(config) };
  const specs = await openProviders([{ ...config, jwks, path }], ctx);
  if (!specs) return undefined;
  const challenge: Challenge = (reason, tokenGiven, req) => {
    const metadata = `${baseUrl(req, config)}${WELL_KNOWN}${requestPath(req)}`;
    const error = tokenGiven ? `, error="invalid_token", error_description=${quoted(reason)}` : "";
    return {
      status: 401,
      headers: {
        "Content-Type": "application/json",
        "WWW-Authenticate": `Bearer resource_metadata=${quoted(metadata)}${error}`,
      },
      body: JSON.stringify(
        tokenGiven
          ? { error: "invalid_token", error_description: reason }
          : { error: "unauthorized", error_description: "JWT token required" },
      ),
      reason,
    };
  };
  const verifier = new TokenVerifier(specs);
  const keys = specs.map((spec) => spec.keys);
  const authenticator = new Authenticator(
    verifier,
    config.mode ?? "strict",
    challenge,
    keepToken,
    keys,
  );
  return new McpAuthentication(authenticator, config);
}

/** Where identity providers publish their keys, as agentgateway derives it. */
function defaultJwksUrl(config: McpAuthenticationConfig): string {
  const issuer = config.issuer.endsWith("/") ? config.issuer : `${config.issuer}/`;
  const keycloak = config.provider && "keycloak" in config.provider;
  return new URL(keycloak ? "protocol/openid-connect/certs" : ".well-known/jwks.json", issuer).href;
}

/** The resource's origin: from `resourceMetadata.resource` when set, else from the request. */
function baseUrl(req: IncomingMessage, config: McpAuthenticationConfig): string {
  const resource = config.resourceMetadata.resource;
  if (typeof resource === "string") {
    try {
      return new URL(resource).origin;
    } catch {
      // not a URL: fall back to the request
    }
  }
  const proto = req.headers["x-forwarded-proto"] === "https" ? "https" : "http";
  return `${proto}://${req.headers.host ?? "localhost"}`;
}

function requestPath(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/** `scopesSupported` → `scopes_supported`: RFC 9728 field names, as agentgateway converts them. */
function snakeCaseKeys(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      value,
    ]),
  );
}
