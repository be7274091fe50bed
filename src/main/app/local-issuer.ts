import { resolve } from "node:path";
import type { GatewayConfig } from "../config/model";
import type { JwtAuthConfig } from "../gateway/policies/jwt-auth";
import { dataDir } from "../keystore/data-dir";
import { IdentityStore, type Identity } from "../keystore/identities";
import { Keystore } from "../keystore/keystore";
import { KeystoreError } from "../keystore/keystore-error";
import { mintToken, parseTtl, type Minted, type Signer } from "../keystore/mint";
import { openSecretStore } from "../keystore/open-secret-store";

/** What tokens carry when neither the identity nor a config names an issuer and audience. */
export const DEFAULT_ISSUER = "gatehouse.local";
export const DEFAULT_AUDIENCE = "gatehouse";

export interface MintOptions {
  /** A saved identity's name; its claims come first, `claims` add to them. */
  identity?: string;
  claims?: Record<string, unknown>;
  ttl: string;
  issuer?: string;
  audience?: string;
}

/**
 * Gatehouse as its own small issuer for local development: the keystore, the saved identities,
 * and tokens minted from them that the running config accepts.
 */
export class LocalIssuer {
  private constructor(
    readonly dataDir: string,
    readonly keystore: Keystore,
    readonly identities: IdentityStore,
    private readonly signer: Signer,
  ) {}

  /**
   * `signer` signs the tokens it mints, when the config served trusts a key other than the
   * keystore's (the embedded default's demo key); by default the keystore signs them.
   */
  static async open(env: NodeJS.ProcessEnv = process.env, signer?: Signer): Promise<LocalIssuer> {
    const dir = dataDir(env);
    const keystore = await Keystore.open({ dataDir: dir, secrets: openSecretStore(env) });
    return new LocalIssuer(dir, keystore, await IdentityStore.open(dir), signer ?? keystore);
  }

  /**
   * Issuer and audience for a new token: the identity's own, else those of the config's jwtAuth
   * (preferring the provider that trusts this keystore), else Gatehouse's defaults.
   */
  defaults(
    config?: GatewayConfig,
    identity?: Identity,
  ): { issuer: string; audience?: string | string[] } {
    const provider = config && this.trustingProvider(config);
    return {
      issuer: identity?.issuer ?? provider?.issuer ?? DEFAULT_ISSUER,
      audience: identity?.audience ?? provider?.audiences?.[0] ?? DEFAULT_AUDIENCE,
    };
  }

  async mint(options: MintOptions, config?: GatewayConfig): Promise<Minted> {
    const identity =
      options.identity === undefined ? undefined : this.identities.get(options.identity);
    if (options.identity !== undefined && !identity) {
      throw new KeystoreError(`no identity "${options.identity}" (see gatehouse identity list)`);
    }
    const defaults = this.defaults(config, identity);
    return mintToken(this.signer, {
      claims: { ...identity?.claims, ...options.claims },
      issuer: options.issuer ?? defaults.issuer,
      audience: options.audience ?? defaults.audience,
      ttlSeconds: parseTtl(options.ttl),
    });
  }

  private trustingProvider(
    config: GatewayConfig,
  ): { issuer: string; audiences?: string[] } | undefined {
    const providers = config.listeners
      .flatMap((listener) => listener.routes)
      .flatMap((route) => providersOf(route.policies.jwtAuth));
    const jwksPath = resolve(this.keystore.jwksPath);
    const trusting = providers.find(
      (p) => typeof p.jwks === "object" && "file" in p.jwks && resolve(p.jwks.file) === jwksPath,
    );
    return trusting ?? providers[0];
  }
}

function providersOf(jwtAuth: JwtAuthConfig | undefined) {
  if (!jwtAuth) return [];
  if (jwtAuth.providers) return jwtAuth.providers;
  return jwtAuth.issuer && jwtAuth.jwks
    ? [{ ...jwtAuth, issuer: jwtAuth.issuer, jwks: jwtAuth.jwks }]
    : [];
}
