import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK } from "jose";
import { generateKeyMaterial } from "../keystore/key-material";
import type { Signer } from "../keystore/mint";
import { openSecretStore } from "../keystore/open-secret-store";
import type { SecretStore } from "../keystore/secret-store";

/** The secret store's entry of the demo key; a user's keys are named by their kid, never so. */
const DEMO_KEY_ACCOUNT = "demo-signing-key";
const DEMO_KEY_ALG = "ES256";

/** Where the demo key's private half is: the secret store the user has, or this process only. */
export type DemoKeyPlace = SecretStore["kind"] | "memory";

/**
 * The key that signs the demo identities' tokens for the embedded default config. It is not in
 * the user's keystore: a config of the user's own, which trusts the keystore's JWKS, never
 * trusts a demo token. Its private half is kept in the secret store the user has (the OS
 * keychain, or the file they opted in to); where that cannot be used, a key is made for this
 * run and held in memory only, and nothing of it is written anywhere.
 */
export class DemoKey implements Signer {
  private signing: Promise<CryptoKey> | undefined;

  private constructor(
    /** Where the private half is kept. */
    readonly place: DemoKeyPlace,
    /** Why it is only in memory, when it is. */
    readonly whyInMemory: string | undefined,
    private readonly kid: string,
    private readonly publicJwk: JWK,
    private readonly privateJwk: JWK,
  ) {}

  static async open(env: NodeJS.ProcessEnv): Promise<DemoKey> {
    let store: SecretStore;
    try {
      store = openSecretStore(env);
    } catch (error) {
      return DemoKey.create("memory", (error as Error).message);
    }
    try {
      const saved = await store.get(DEMO_KEY_ACCOUNT);
      const key = saved === undefined ? undefined : await DemoKey.fromSecret(saved, store.kind);
      if (key) return key;
      // None yet, or one that is not a demo key any more: a new one replaces it.
      const created = await DemoKey.create(store.kind);
      await store.set(DEMO_KEY_ACCOUNT, JSON.stringify(created.privateJwk));
      return created;
    } catch (error) {
      return DemoKey.create("memory", (error as Error).message);
    }
  }

  /** The public JWKS, as the inline JSON text the default config's jwtAuth reads. */
  jwks(): string {
    return JSON.stringify({
      keys: [{ ...this.publicJwk, kid: this.kid, alg: DEMO_KEY_ALG, use: "sig" }],
    });
  }

  async signingKey(): Promise<{ info: { kid: string; alg: "ES256" }; privateKey: CryptoKey }> {
    this.signing ??= importJWK(this.privateJwk, DEMO_KEY_ALG) as Promise<CryptoKey>;
    return { info: { kid: this.kid, alg: DEMO_KEY_ALG }, privateKey: await this.signing };
  }

  private static async create(place: DemoKeyPlace, whyInMemory?: string): Promise<DemoKey> {
    const material = await generateKeyMaterial(DEMO_KEY_ALG);
    return DemoKey.of(place, material.privateJwk as JWK, whyInMemory);
  }

  /** The saved key, or undefined when the entry is not an ES256 private JWK. */
  private static async fromSecret(
    secret: string,
    place: DemoKeyPlace,
  ): Promise<DemoKey | undefined> {
    try {
      const jwk = JSON.parse(secret) as JWK;
      await importJWK(jwk, DEMO_KEY_ALG);
      return typeof jwk.d === "string" ? await DemoKey.of(place, jwk) : undefined;
    } catch {
      return undefined;
    }
  }

  private static async of(
    place: DemoKeyPlace,
    privateJwk: JWK,
    whyInMemory?: string,
  ): Promise<DemoKey> {
    const { kty, crv, x, y } = privateJwk;
    const publicJwk: JWK = { kty, crv, x, y };
    const kid = await calculateJwkThumbprint(publicJwk);
    return new DemoKey(place, whyInMemory, kid, publicJwk, privateJwk);
  }
}
