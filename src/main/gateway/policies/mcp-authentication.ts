import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { evenBesideOtherProblems, stringList } from "../../config/schema-parts";
import { Authenticator, type Challenge } from "./authenticator";
import { quoted } from "./bearer";
import { TokenVerifier } from "./jwt";
import { jwksSchema, jwtModeSchema, jwtValidationOptionsSchema, openProviders } from "./jwt-auth";
import { json, openCors, otherMethod } from "./oauth/answers";
import { AuthorizationServerMetadata } from "./oauth/authorization-server-metadata";
import { ClientRegistration } from "./oauth/client-registration";
import { entraEndpoints } from "./oauth/entra-endpoints";
import { EntraProxy } from "./oauth/entra-proxy";
import {
  IDENTITY_PROVIDERS,
  PROVIDER_NAMES,
  STANDARD,
  type ProviderName,
} from "./oauth/identity-providers";
import {
  AUTHORIZATION_SERVER,
  describedUrl,
  isUnder,
  PROTECTED_RESOURCE,
  requestOrigin,
} from "./oauth/well-known";
import {
  definePolicy,
  type Answer,
  type CompiledPolicy,
  type PolicyRequest,
  type StepResult,
} from "./policy";

const mcpAuthenticationSchema = z
  .strictObject({
    issuer: z.string().describe("The `iss` every token must carry: the authorization server."),
    audiences: stringList.describe("The token's `aud` must name one of these."),
    jwks: jwksSchema
      .optional()
      .describe("Where the keys are; by default where the provider publishes them."),
    // partialRecord: a plain record over an enum would demand every provider at once.
    provider: z
      .partialRecord(z.enum(PROVIDER_NAMES), z.strictObject({}))
      .refine((value) => Object.keys(value).length === 1, {
        error: `name one provider: ${PROVIDER_NAMES.join(", ")}`,
        // An unknown provider is reported as such, not again as a missing one.
        when: (payload) => payload.issues.length === 0,
      })
      .optional()
      .describe(
        "An identity provider that needs adapting to MCP's OAuth: the gateway then serves the authorization server metadata and stands in for its registration.",
      ),
    resourceMetadata: z
      .record(z.string(), z.unknown())
      .describe("Fields of the RFC 9728 protected-resource metadata."),
    mode: jwtModeSchema.optional(),
    jwtValidationOptions: jwtValidationOptionsSchema.optional(),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A pre-registered client that the gateway's registration endpoint hands to every MCP client, instead of registering one with the provider.",
      ),
    clientSecret: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The secret of clientId, which the gateway adds to the token requests it proxies to Entra for that client (provider entra only).",
      ),
  })
  .superRefine((value, ctx) => {
    const provider = value.provider && (Object.keys(value.provider)[0] as ProviderName);
    const problem = (key: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [key], message });
    if (value.clientId !== undefined && provider === undefined) {
      problem(
        "clientId",
        "clientId needs a provider: without one, MCP clients go to the issuer itself and register there",
      );
    }
    if (value.clientSecret !== undefined && provider !== "entra") {
      problem(
        "clientSecret",
        "clientSecret is only used with provider entra, whose token endpoint the gateway proxies; other providers' clients send their token requests to the provider itself",
      );
    } else if (value.clientSecret !== undefined && value.clientId === undefined) {
      problem("clientSecret", "clientSecret belongs to clientId: set clientId too");
    }
  }, evenBesideOtherProblems)
  .describe("OAuth for MCP clients: serves protected-resource metadata and asks for a token.");

export type McpAuthenticationConfig = z.infer<typeof mcpAuthenticationSchema>;

const MCP_PROTOCOL_VERSION = "2025-06-18";

/** The endpoints an adapted provider has below its authorization server metadata. */
interface Endpoints {
  metadata: AuthorizationServerMetadata;
  registration: ClientRegistration | undefined;
  entra: EntraProxy | undefined;
}

/**
 * `mcpAuthentication`: OAuth for MCP clients, as agentgateway serves it. The route serves its
 * protected-resource metadata (RFC 9728) and the authorization server metadata (RFC 8414), and
 * for a provider that needs it, a registration endpoint and Entra's authorize and token
 * endpoints. Those are open to anyone; every other request must bring a token, and a refusal
 * points at the metadata in its `WWW-Authenticate` header, so OAuth clients find their way.
 */
export class McpAuthentication implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    readonly authenticator: Authenticator,
    private readonly config: McpAuthenticationConfig,
    private readonly endpoints: Endpoints,
  ) {}

  handle(request: PolicyRequest): StepResult | Promise<StepResult> {
    const { req, path } = request;
    if (isUnder(path, PROTECTED_RESOURCE)) return this.protectedResource(req, path);
    if (isUnder(path, AUTHORIZATION_SERVER)) return this.authorizationServer(req, path);
    return this.authenticator.handle(request);
  }

  close(): Promise<void> {
    return this.authenticator.close();
  }

  /**
   * RFC 9728 metadata about the resource whose path follows the well-known part. With a
   * provider, the gateway is its authorization server (at the same URL); without, the issuer.
   */
  private protectedResource(req: IncomingMessage, path: string): Answer {
    const cors = openCors("GET");
    if (req.method !== "GET" && req.method !== "HEAD") return otherMethod(req.method, cors);
    const resource = describedUrl(req, path, PROTECTED_RESOURCE);
    const document = {
      resource,
      authorization_servers: [this.config.provider ? resource : this.config.issuer],
      mcp_protocol_version: MCP_PROTOCOL_VERSION,
      resource_type: "mcp-server",
      ...snakeCaseKeys(this.config.resourceMetadata),
    };
    return json(200, document, cors);
  }

  private authorizationServer(req: IncomingMessage, path: string): Answer | Promise<Answer> {
    const { metadata, registration, entra } = this.endpoints;
    if (registration && path.endsWith("/client-registration")) return registration.serve(req);
    if (entra && path.endsWith("/authorize")) return entra.authorize(req);
    if (entra && path.endsWith("/token")) return entra.token(req);
    return metadata.serve(req, path);
  }
}

export const mcpAuthentication = definePolicy({
  key: "mcpAuthentication",
  schema: mcpAuthenticationSchema,
  attachments: ["route"],
  step: "authenticate",
  async compile(config, path, ctx) {
    const name = config.provider && (Object.keys(config.provider)[0] as ProviderName);
    const provider = name ? IDENTITY_PROVIDERS[name] : STANDARD;
    if (name && !isHttpUrl(config.issuer)) {
      ctx.problem(
        [...path, "issuer"],
        `with provider ${name}, issuer must be the provider's http(s) URL, not "${config.issuer}"`,
      );
      return undefined;
    }
    let endpoints: Endpoints;
    let jwks = config.jwks;
    try {
      jwks ??= { url: provider.jwksUrl(config.issuer) };
      endpoints = {
        metadata: new AuthorizationServerMetadata({
          provider,
          adapted: name !== undefined,
          issuer: config.issuer,
          audiences: config.audiences,
          clientId: config.clientId,
        }),
        registration: ClientRegistration.for(config.issuer, provider.registration, config.clientId),
        entra: provider.proxiesAuthorization
          ? new EntraProxy(entraEndpoints(config.issuer), config.clientId, config.clientSecret)
          : undefined,
      };
    } catch (error) {
      ctx.problem([...path, "issuer"], (error as Error).message);
      return undefined;
    }
    if (provider.registration.kind === "missing" && config.clientId === undefined) {
      ctx.warning([...path, "provider"], provider.registration.why);
    }
    const specs = await openProviders([{ ...config, jwks, path }], ctx);
    if (!specs) return undefined;
    const challenge: Challenge = (reason, tokenGiven, req) => {
      const metadata = `${resourceOrigin(req, config)}${PROTECTED_RESOURCE}${requestPath(req)}`;
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
    return new McpAuthentication(authenticator, config, endpoints);
  },
});

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}

/**
 * Where the client reaches the resource: the origin of `resourceMetadata.resource` when it is
 * set (the gateway may be behind a proxy), else the request's.
 */
function resourceOrigin(req: IncomingMessage, config: McpAuthenticationConfig): string {
  const { resource } = config.resourceMetadata;
  if (typeof resource === "string" && URL.canParse(resource)) {
    const { origin } = new URL(resource);
    if (origin !== "null") return origin;
  }
  return requestOrigin(req);
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
