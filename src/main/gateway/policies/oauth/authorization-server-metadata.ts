import type { IncomingMessage } from "node:http";
import type { Answer } from "../policy";
import { failure, json, openCors, otherMethod } from "./answers";
import { fetchJsonObject } from "./idp-call";
import type { IdentityProvider } from "./identity-providers";
import { AUTHORIZATION_SERVER, describedUrl, requestOrigin } from "./well-known";

/** How long the provider's document is reused: a client reads it a few times per sign-in. */
const REUSE_MS = 60_000;

type Metadata = Record<string, unknown>;

export interface MetadataOptions {
  provider: IdentityProvider;
  /** Whether a provider is configured: then the gateway is the authorization server clients see. */
  adapted: boolean;
  issuer: string;
  audiences: string[];
  clientId: string | undefined;
}

/**
 * The authorization server metadata (RFC 8414) the gateway serves below
 * `/.well-known/oauth-authorization-server`: the provider's own document, fetched and adapted
 * so that clients which know only the standards can sign in. With a provider, the gateway names
 * itself as the issuer, because the protected-resource metadata names it as the server.
 */
export class AuthorizationServerMetadata {
  private readonly url: string;
  private kept: { document: Metadata; until: number } | undefined;
  private fetching: Promise<Metadata> | undefined;

  constructor(private readonly options: MetadataOptions) {
    this.url = options.provider.metadataUrl(options.issuer);
  }

  async serve(req: IncomingMessage, path: string): Promise<Answer> {
    const cors = openCors("GET");
    if (req.method !== "GET" && req.method !== "HEAD") return otherMethod(req.method, cors);
    try {
      const document = structuredClone(await this.upstream());
      this.adapt(document, req, path);
      return json(200, document, cors);
    } catch (error) {
      return failure(502, error as Error, cors);
    }
  }

  /** The provider's document: one fetch at a time, reused for a minute; failures are not kept. */
  private upstream(): Promise<Metadata> {
    if (this.kept && this.kept.until > Date.now()) return Promise.resolve(this.kept.document);
    this.fetching ??= fetchJsonObject(this.url)
      .then((document) => {
        this.kept = { document, until: Date.now() + REUSE_MS };
        return document;
      })
      .finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private adapt(document: Metadata, req: IncomingMessage, path: string): void {
    const { provider, audiences, clientId, adapted } = this.options;
    // Where the client asked for this document; the endpoints the gateway serves are below it.
    const served = requestOrigin(req) + path;
    const audience = audiences[0];
    if (provider.audienceParameter && audience !== undefined) {
      const endpoint = new URL(this.endpoint(document, "authorization_endpoint"));
      endpoint.searchParams.append("audience", audience);
      document.authorization_endpoint = endpoint.href;
    }
    if (provider.proxiesAuthorization) {
      this.endpoint(document, "authorization_endpoint");
      this.endpoint(document, "token_endpoint");
      document.authorization_endpoint = `${served}/authorize`;
      document.token_endpoint = `${served}/token`;
      // Entra takes S256 but does not say so; clients refuse a server that does not.
      if (!("code_challenge_methods_supported" in document)) {
        document.code_challenge_methods_supported = ["S256"];
      }
    }
    const { registration } = provider;
    const gatewayRegisters =
      clientId !== undefined ||
      registration.kind === "missing" ||
      (registration.kind === "forward" && "registration_endpoint" in document);
    if (gatewayRegisters) document.registration_endpoint = `${served}/client-registration`;
    if (adapted) document.issuer = describedUrl(req, path, AUTHORIZATION_SERVER);
  }

  private endpoint(document: Metadata, name: string): string {
    const value = document[name];
    if (typeof value !== "string" || !URL.canParse(value)) {
      throw new Error(`the identity provider's metadata at ${this.url} has no ${name} URL`);
    }
    return value;
  }
}
