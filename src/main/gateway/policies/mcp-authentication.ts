import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { stringList } from "../../config/schema-parts";
import { Authenticator, type Challenge } from "./authenticator";
import { quoted } from "./bearer";
import { TokenVerifier } from "./jwt";
import { jwksSchema, jwtModeSchema, jwtValidationOptionsSchema, openProviders } from "./jwt-auth";
import {
  definePolicy,
  type Answer,
  type CompiledPolicy,
  type PolicyRequest,
  type StepResult,
} from "./policy";

const mcpAuthenticationSchema = z
  .strictObject({
    issuer: z.string(),
    audiences: stringList,
    jwks: jwksSchema.optional(),
    // partialRecord: a plain record over an enum would demand every provider at once.
    provider: z
      .partialRecord(
        z.enum(["auth0", "keycloak", "okta", "descope", "authentik", "entra"]),
        z.strictObject({}),
      )
      .refine((value) => Object.keys(value).length <= 1, {
        error: "name one provider, not several",
      })
      .optional(),
    resourceMetadata: z
      .record(z.string(), z.unknown())
      .describe("Fields of the RFC 9728 protected-resource metadata."),
    mode: jwtModeSchema.optional(),
    jwtValidationOptions: jwtValidationOptionsSchema.optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
  })
  .describe("OAuth for MCP clients: serves protected-resource metadata and asks for a token.");

export type McpAuthenticationConfig = z.infer<typeof mcpAuthenticationSchema>;

const WELL_KNOWN = "/.well-known/oauth-protected-resource";
const MCP_PROTOCOL_VERSION = "2025-06-18";

/**
 * `mcpAuthentication`: OAuth for MCP clients (RFC 9728). The route serves its protected-resource
 * metadata, which names the authorization server, and a refused request points there in its
 * `WWW-Authenticate` header, so clients that speak OAuth discover where to get a token.
 */
export class McpAuthentication implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    readonly authenticator: Authenticator,
    private readonly config: McpAuthenticationConfig,
  ) {}

  /** Serves the metadata to anyone; every other request must authenticate. */
  handle(request: PolicyRequest): StepResult | Promise<StepResult> {
    return this.metadata(request.req, request.path) ?? this.authenticator.handle(request);
  }

  close(): Promise<void> {
    return this.authenticator.close();
  }

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

export const mcpAuthentication = definePolicy({
  key: "mcpAuthentication",
  schema: mcpAuthenticationSchema,
  attachments: ["route"],
  step: "authenticate",
  async compile(config, path, ctx) {
    const jwks = config.jwks ?? { url: defaultJwksUrl(config) };
    const specs = await openProviders([{ ...config, jwks, path }], ctx);
    if (!specs) return undefined;
    const challenge: Challenge = (reason, tokenGiven, req) => {
      const metadata = `${baseUrl(req, config)}${WELL_KNOWN}${requestPath(req)}`;
      const error = tokenGiven
        ? `, error="invalid_token", error_description=${quoted(reason)}`
        : "";
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
    const authenticator = new Authenticator(verifier, config.mode ?? "strict", challenge, keys);
    return new McpAuthentication(authenticator, config);
  },
});

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
