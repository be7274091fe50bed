import type { CompileContext, ConfigPath } from "../compile-context";
import { readConfigFile } from "../config-file";
import { openKeySource, TokenVerifier, type JwksSpec, type KeySource } from "../jwt";
import { fetchJsonObject } from "../oauth/idp-call";

/** How the client authenticates at the token endpoint, in agentgateway's names. */
export type TokenEndpointAuth = "clientSecretBasic" | "clientSecretPost";

/** A discovery document as agentgateway's `FileInlineOrRemote` gives it. */
export type DocumentSource = string | { file: string } | { url: string };

/** What the sign-in needs of the identity provider. */
export interface ProviderEndpoints {
  authorization: string;
  token: string;
  tokenEndpointAuth: TokenEndpointAuth;
  /** Checks ID tokens: the provider's keys, its issuer, and the client as the audience. */
  idTokens: TokenVerifier;
}

/** Where the provider's endpoints come from: discovery (the default) or written out. */
export type ProviderSource =
  | { issuer: string; clientId: string; discovery: DocumentSource }
  | {
      issuer: string;
      clientId: string;
      authorizationEndpoint: string;
      tokenEndpoint: string;
      tokenEndpointAuth: TokenEndpointAuth;
      jwks: JwksSpec;
    };

interface Discovered {
  authorization: string;
  token: string;
  tokenEndpointAuth: TokenEndpointAuth;
  jwksUri: string;
}

/** `${issuer}/.well-known/openid-configuration`, where OpenID Connect Discovery puts it. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

/**
 * The identity provider of one `oidc` policy. Written-out endpoints, and discovery from a file
 * or inline, are read when the config loads, and their problems fail the load. A discovery URL
 * is fetched then too; if the provider cannot be reached, the gateway starts anyway (it must
 * start offline), says so, and fetches again when a browser next needs to sign in.
 */
export class OidcProvider {
  private ready: ProviderEndpoints | undefined;
  private discovering: Promise<ProviderEndpoints> | undefined;
  private keys: KeySource | undefined;
  private closed = false;

  private constructor(
    private readonly source: ProviderSource,
    private readonly ctx: CompileContext,
  ) {}

  /**
   * Undefined when the config has a problem, reported at `at`: where the source is written
   * (`jwks` when written out, `discovery`, or `issuer` for the default discovery URL).
   */
  static async open(
    source: ProviderSource,
    at: ConfigPath,
    ctx: CompileContext,
  ): Promise<OidcProvider | undefined> {
    const provider = new OidcProvider(source, ctx);
    if (!("discovery" in source)) {
      const { jwks } = source;
      const keys = await provider.openKeys(
        jwks,
        typeof jwks === "string" ? at : [...at, ...Object.keys(jwks)],
      );
      if (!keys) return undefined;
      provider.ready = provider.endpointsWith(
        {
          authorization: source.authorizationEndpoint,
          token: source.tokenEndpoint,
          tokenEndpointAuth: source.tokenEndpointAuth,
        },
        keys,
      );
      return provider;
    }
    const document = await readDocument(source.discovery, at, ctx);
    if (document === UNREADABLE) return undefined;
    if (document === UNREACHABLE) return provider;
    let discovered: Discovered;
    try {
      discovered = readDiscoveryDocument(document, source.issuer);
    } catch (error) {
      ctx.problem(at, (error as Error).message);
      return undefined;
    }
    const keys = await provider.openKeys({ url: discovered.jwksUri }, at);
    if (!keys) return undefined;
    provider.ready = provider.endpointsWith(discovered, keys);
    return provider;
  }

  /** The endpoints, once known; a rejection says why the provider cannot be used now. */
  endpoints(): ProviderEndpoints | Promise<ProviderEndpoints> {
    if (this.ready) return this.ready;
    this.discovering ??= this.discover().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.keys?.close();
  }

  /** Discovery by URL, at the time a browser needs it. */
  private async discover(): Promise<ProviderEndpoints> {
    const { discovery } = this.source as { discovery: { url: string } };
    const discovered = readDiscoveryDocument(
      await fetchJsonObject(discovery.url),
      this.source.issuer,
    );
    const keys = await openKeySource({ url: discovered.jwksUri }, this.keyOptions());
    if (this.closed) {
      await keys.close();
      throw new Error("the policy was replaced by a reload");
    }
    this.ready = this.endpointsWith(discovered, keys);
    return this.ready;
  }

  private endpointsWith(
    endpoints: Omit<ProviderEndpoints, "idTokens">,
    keys: KeySource,
  ): ProviderEndpoints {
    this.keys = keys;
    const { issuer, clientId } = this.source;
    const idTokens = new TokenVerifier([{ issuer, audiences: [clientId], keys }]);
    return { ...endpoints, idTokens };
  }

  private async openKeys(jwks: JwksSpec, at: ConfigPath): Promise<KeySource | undefined> {
    try {
      return await openKeySource(jwks, this.keyOptions());
    } catch (error) {
      this.ctx.problem(at, (error as Error).message);
      return undefined;
    }
  }

  private keyOptions() {
    const { ctx, source } = this;
    return {
      cwd: ctx.cwd,
      onNotice: (level: "info" | "warn" | "error", message: string) =>
        ctx.notice(level, `ID token keys of ${source.issuer}: ${message}`),
    };
  }
}

const UNREADABLE = Symbol("unreadable");
const UNREACHABLE = Symbol("unreachable");

/**
 * The discovery document when the config loads. A file or inline text that cannot be read is a
 * problem at `at` (UNREADABLE); a URL that cannot be fetched is a warning (UNREACHABLE), for the
 * provider may only be down for now.
 */
async function readDocument(
  source: DocumentSource,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<unknown> {
  if (typeof source !== "string" && "url" in source) {
    try {
      return await fetchJsonObject(source.url);
    } catch (error) {
      const why = (error as Error).message;
      ctx.warning(at, `${why}: browsers cannot sign in (502) until it can be fetched`);
      return UNREACHABLE;
    }
  }
  const fileAt = [...at, "file"];
  const text = typeof source === "string" ? source : await readConfigFile(source.file, fileAt, ctx);
  if (text === undefined) return UNREADABLE;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const what = typeof source === "string" ? "the inline discovery document" : source.file;
    ctx.problem(typeof source === "string" ? at : fileAt, `${what} is not JSON`);
    return UNREADABLE;
  }
}

/**
 * What the sign-in needs from an OpenID Connect discovery document, checked as agentgateway
 * checks it: it must be the configured issuer's, and its endpoints absolute http(s) URLs.
 * Throws an Error that says what is wrong.
 */
function readDiscoveryDocument(document: unknown, issuer: string): Discovered {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new Error("the discovery document is not a JSON object");
  }
  const fields = document as Record<string, unknown>;
  if (fields.issuer !== issuer) {
    throw new Error(
      `oidc discovery issuer mismatch: expected ${issuer}, got ${JSON.stringify(fields.issuer)}`,
    );
  }
  const url = (name: string): string => {
    const value = fields[name];
    if (typeof value !== "string" || !isHttpUrl(value)) {
      throw new Error(`the discovery document's ${name} is not an absolute http(s) URL`);
    }
    return value;
  };
  return {
    authorization: url("authorization_endpoint"),
    token: url("token_endpoint"),
    jwksUri: url("jwks_uri"),
    tokenEndpointAuth: tokenEndpointAuthOf(fields.token_endpoint_auth_methods_supported),
  };
}

/** The client authentication to use, from what the provider says it supports (default: basic). */
function tokenEndpointAuthOf(supported: unknown): TokenEndpointAuth {
  const methods = Array.isArray(supported) ? supported : ["client_secret_basic"];
  if (methods.includes("client_secret_basic")) return "clientSecretBasic";
  if (methods.includes("client_secret_post")) return "clientSecretPost";
  throw new Error(
    "the provider's token_endpoint_auth_methods_supported names neither client_secret_basic nor client_secret_post, the two a gateway with a client secret can use",
  );
}

export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}
