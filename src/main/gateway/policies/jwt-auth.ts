import { z } from "zod";
import { evenBesideOtherProblems, stringList } from "../../config/schema-parts";
import { Authenticator, type Challenge } from "./authenticator";
import { quoted } from "./bearer";
import type { CompileContext, ConfigPath } from "./compile-context";
import { openKeySource, TokenVerifier, type KeySource, type ProviderSpec } from "./jwt";
import { definePolicy } from "./policy";

export const jwksSchema = z
  .union(
    [
      z.string().describe("The JWKS as an inline JSON string."),
      z.strictObject({
        file: z.string().describe("Path to a JWKS file, relative to the working directory."),
      }),
      z.strictObject({ url: z.url().describe("A URL that serves the JWKS.") }),
    ],
    { error: "jwks must be an inline JSON string, {file: <path>} or {url: <URL>}" },
  )
  .describe("Where the issuer's public keys are.");

export const jwtModeSchema = z
  .enum(["strict", "optional", "permissive"])
  .describe(
    "strict: a valid token is required. optional (the default): no token passes, a bad one fails. permissive: never rejects.",
  );

export const jwtValidationOptionsSchema = z.strictObject({
  requiredClaims: stringList.optional().describe('Claims every token must carry; default ["exp"].'),
});

const jwtProviderSchema = z.strictObject({
  issuer: z.string().describe("The `iss` every token must carry."),
  audiences: stringList.optional().describe("When set, the token's `aud` must name one of these."),
  jwks: jwksSchema,
  jwtValidationOptions: jwtValidationOptionsSchema.optional(),
});

const jwtAuthSchema = z
  .strictObject({
    mode: jwtModeSchema.optional(),
    issuer: z.string().optional(),
    audiences: stringList.optional(),
    jwks: jwksSchema.optional(),
    jwtValidationOptions: jwtValidationOptionsSchema.optional(),
    providers: z
      .array(jwtProviderSchema)
      .min(1)
      .optional()
      .describe("Several issuers, each with its keys."),
  })
  .superRefine((value, ctx) => {
    if (value.providers) {
      for (const key of ["issuer", "audiences", "jwks"] as const) {
        if (value[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `"${key}" belongs inside each of "providers", not beside it`,
          });
        }
      }
      return;
    }
    for (const key of ["issuer", "jwks"] as const) {
      if (value[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message: `jwtAuth needs "${key}" (or a "providers" list)`,
        });
      }
    }
  }, evenBesideOtherProblems)
  .describe("Validate a JWT bearer token against one issuer, or several under `providers`.");

export type JwtAuthConfig = z.infer<typeof jwtAuthSchema>;

type JwksSpec = NonNullable<JwtAuthConfig["jwks"]>;

/** agentgateway's 401 body, plus the `WWW-Authenticate` challenge RFC 6750 asks for. */
const challenge: Challenge = (reason, tokenGiven) => ({
  status: 401,
  headers: {
    "Content-Type": "text/plain; charset=utf-8",
    "WWW-Authenticate": tokenGiven
      ? `Bearer error="invalid_token", error_description=${quoted(reason)}`
      : "Bearer",
  },
  body: `authentication failure: ${reason}`,
  reason,
});

/** The `jwtAuth` policy, single issuer or `providers:`; undefined when its keys cannot load. */
export const jwtAuth = definePolicy({
  key: "jwtAuth",
  schema: jwtAuthSchema,
  attachments: ["gateway", "listener", "route"],
  step: "authenticate",
  async compile(config, path, ctx) {
    const providers = config.providers
      ? config.providers.map((provider, i) => ({ ...provider, path: [...path, "providers", i] }))
      : [{ ...config, issuer: config.issuer as string, jwks: config.jwks as JwksSpec, path }];
    const specs = await openProviders(providers, ctx);
    if (!specs) return undefined;
    return new Authenticator(
      new TokenVerifier(specs),
      config.mode ?? "optional",
      challenge,
      specs.map((spec) => spec.keys),
    );
  },
});

interface ProviderConfig {
  issuer: string;
  audiences?: string[];
  jwks: JwksSpec;
  jwtValidationOptions?: { requiredClaims?: string[] };
  path: ConfigPath;
}

/** Opens every provider's keys; reports the ones that fail at their `jwks` key. */
export async function openProviders(
  providers: ProviderConfig[],
  ctx: CompileContext,
): Promise<ProviderSpec[] | undefined> {
  const opened = await Promise.all(
    providers.map(async (provider): Promise<ProviderSpec | undefined> => {
      let keys: KeySource;
      try {
        keys = await openKeySource(provider.jwks, {
          cwd: ctx.cwd,
          onNotice: (level, message) => ctx.notice(level, `keys of ${provider.issuer}: ${message}`),
        });
      } catch (error) {
        const at = typeof provider.jwks === "string" ? [] : Object.keys(provider.jwks);
        ctx.problem([...provider.path, "jwks", ...at], (error as Error).message);
        return undefined;
      }
      return {
        issuer: provider.issuer,
        audiences: provider.audiences,
        keys,
        requiredClaims: provider.jwtValidationOptions?.requiredClaims,
      };
    }),
  );
  if (opened.every((spec) => spec !== undefined)) return opened as ProviderSpec[];
  await Promise.all(opened.map((spec) => spec?.keys.close()));
  return undefined;
}
