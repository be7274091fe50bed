import type { JwtAuthConfig } from "../../config/schema";
import { Authenticator, type Challenge } from "./authenticator";
import { quoted } from "./bearer";
import type { CompileContext, ConfigPath } from "./compile-context";
import { openKeySource, TokenVerifier, type KeySource, type ProviderSpec } from "./jwt";

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
export async function compileJwtAuth(
  config: JwtAuthConfig,
  keepToken: boolean,
  path: ConfigPath,
  ctx: CompileContext,
): Promise<Authenticator | undefined> {
  const providers = config.providers
    ? config.providers.map((provider, i) => ({ ...provider, path: [...path, "providers", i] }))
    : [{ ...config, issuer: config.issuer as string, jwks: config.jwks as JwksSpec, path }];
  const specs = await openProviders(providers, ctx);
  if (!specs) return undefined;
  return new Authenticator(
    new TokenVerifier(specs),
    config.mode ?? "optional",
    challenge,
    keepToken,
    specs.map((spec) => spec.keys),
  );
}

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
