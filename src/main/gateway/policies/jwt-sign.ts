import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration, evenBesideOtherProblems } from "../../config/schema-parts";
import type { CompileContext, ConfigPath } from "./compile-context";
import { placementSchema } from "./credential-placement";
import { loadSecret, secretSchema } from "./secret";

/** The signer owns these; agentgateway refuses them among the configured claims too. */
const RESERVED_CLAIMS = ["iat", "exp", "nbf"];
/** agentgateway's defaults: short-lived tokens, `iat` backdated for validators whose clocks trail. */
const DEFAULT_TTL_S = 300;
const ISSUED_AT_BACKDATE_S = 10;

const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"] as const;
type Algorithm = (typeof ALGORITHMS)[number];

export const jwtSignSchema = z
  .strictObject({
    signingKey: secretSchema.describe("The PEM private key (RSA or EC, as `alg` needs)."),
    alg: z.enum(ALGORITHMS).optional().describe("The JWS algorithm; default RS256."),
    kid: z.string().optional().describe("The `kid` header of every token."),
    claims: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Claims every token carries (iss, sub, aud, ...); iat and exp are the signer's."),
    ttl: duration.optional().describe("How long each token lives; default 300s."),
    location: placementSchema.optional(),
  })
  .superRefine((value, ctx) => {
    for (const claim of RESERVED_CLAIMS) {
      if (value.claims && Object.hasOwn(value.claims, claim)) {
        ctx.addIssue({
          code: "custom",
          path: ["claims", claim],
          message: `"${claim}" is set by the signer and cannot be configured`,
        });
      }
    }
    if (value.ttl !== undefined && parseDuration(value.ttl) < 1000) {
      ctx.addIssue({ code: "custom", path: ["ttl"], message: "must be at least 1s" });
    }
  }, evenBesideOtherProblems)
  .describe("Sign a short-lived JWT with a private key for each request to a target.");

export type JwtSignConfig = z.infer<typeof jwtSignSchema>;

/**
 * agentgateway's `jwtSign`: a JWT signed with the configured key for each request, carrying
 * the configured claims, `iat` (backdated 10s) and `exp` (`ttl` later). For targets that want
 * a keypair JWT rather than a fixed credential.
 */
export class JwtSigner {
  private readonly lifetimeS: number;

  private constructor(
    private readonly key: KeyObject,
    private readonly config: JwtSignConfig,
    private readonly alg: Algorithm,
  ) {
    this.lifetimeS =
      config.ttl === undefined ? DEFAULT_TTL_S : Math.ceil(parseDuration(config.ttl) / 1000);
  }

  /** Reads the key and signs once, so that a key that does not fit `alg` fails the load. */
  static async open(
    config: JwtSignConfig,
    at: ConfigPath,
    ctx: CompileContext,
  ): Promise<JwtSigner | undefined> {
    const pem = await loadSecret(config.signingKey, [...at, "signingKey"], ctx);
    if (pem === undefined) return undefined;
    const alg = config.alg ?? "RS256";
    try {
      const signer = new JwtSigner(createPrivateKey(pem), config, alg);
      await signer.sign();
      return signer;
    } catch (error) {
      const reason = (error as Error).message;
      ctx.problem([...at, "signingKey"], `not a private key that can sign ${alg}: ${reason}`);
      return undefined;
    }
  }

  sign(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { kid, claims } = this.config;
    return new SignJWT({
      ...claims,
      iat: now - ISSUED_AT_BACKDATE_S,
      exp: now + this.lifetimeS,
    })
      .setProtectedHeader({ alg: this.alg, typ: "JWT", ...(kid !== undefined && { kid }) })
      .sign(this.key);
  }
}
