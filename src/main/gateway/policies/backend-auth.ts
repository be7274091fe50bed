import { z } from "zod";
import { evenBesideOtherProblems } from "../../config/schema-parts";
import type { CompileContext, ConfigPath } from "./compile-context";
import { CredentialPlacement, placementSchema, type PlacementConfig } from "./credential-placement";
import { JwtSigner, jwtSignSchema } from "./jwt-sign";
import { definePolicy, type CompiledPolicy, type Fetch } from "./policy";
import { loadSecret, secretSchema, type SecretConfig } from "./secret";

/** agentgateway's kinds of backend authentication that Gatehouse does not have, and why. */
const REFUSED_KINDS = {
  gcp: "it fetches Google Cloud tokens with Application Default Credentials, which Gatehouse does not do",
  aws: "it signs requests with AWS credentials (SigV4), which Gatehouse does not do",
  azure: "it fetches Azure (Entra ID) tokens with Azure credentials, which Gatehouse does not do",
  copilot: "it authenticates to GitHub Copilot's LLM API, and Gatehouse relays MCP, not LLM APIs",
  oauthTokenExchange:
    "it trades the caller's token at an OAuth authorization server (RFC 8693), which Gatehouse does not do yet",
  crossAppAccess:
    "it gets an identity assertion grant (ID-JAG) from an identity provider, which Gatehouse does not do yet",
} as const;

const refused = Object.fromEntries(
  Object.entries(REFUSED_KINDS).map(([kind, reason]) => [
    kind,
    z.never({ error: `backendAuth "${kind}" is not supported by Gatehouse: ${reason}` }).optional(),
  ]),
) as Record<keyof typeof REFUSED_KINDS, z.ZodOptional<z.ZodNever>>;

const KEY_FORMS = "key is the key itself, {file: <path>}, or {value: <key or {file}>, location}";

/**
 * `key: <secret>` and `key: {file: ...}` are agentgateway's short forms, `key: {value,
 * location}` its full one. One map takes both map forms, so that a mistake in it is reported
 * where it is rather than as a union that matched nothing.
 */
const keySchema = z
  .union(
    [
      z.string().min(1),
      z
        .strictObject({
          value: secretSchema.optional().describe("The key, inline or {file: <path>}."),
          location: placementSchema.optional(),
          file: z.string().min(1).optional().describe("A file that holds the key (short form)."),
        })
        .superRefine((value, ctx) => {
          if ((value.value === undefined) === (value.file === undefined)) {
            ctx.addIssue({ code: "custom", path: [], message: KEY_FORMS });
          } else if (value.file !== undefined && value.location !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: ["location"],
              message: "a location goes with value: write key: {value: {file: ...}, location: ...}",
            });
          }
        }),
    ],
    {
      error: (issue) => {
        // A map was written: its own problem says more than "matched no form".
        const mapProblem = issue.code === "invalid_union" ? issue.errors[1]?.[0] : undefined;
        return typeof issue.input === "object" && mapProblem
          ? `${mapProblem.path.length ? `${mapProblem.path.join(".")}: ` : ""}${mapProblem.message}`
          : KEY_FORMS;
      },
    },
  )
  .describe("Send a fixed key; by default as `Authorization: Bearer <key>`.");

const KINDS = ["passthrough", "key", "jwtSign"] as const;

const backendAuthSchema = z
  .strictObject({
    passthrough: z
      .strictObject({ location: placementSchema.optional() })
      .optional()
      .describe("Forward the client's validated token to the targets instead of removing it."),
    key: keySchema.optional(),
    jwtSign: jwtSignSchema.optional(),
    credentials: z
      .array(z.strictObject({ location: placementSchema, key: secretSchema }))
      .min(1)
      .optional()
      .describe("Further fixed credentials, each written where its location says."),
    ...refused,
  })
  .superRefine((value, ctx) => {
    const kinds = KINDS.filter((kind) => value[kind] !== undefined);
    if (kinds.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `backendAuth takes one of ${KINDS.join(", ")}, not ${kinds.join(" and ")}`,
      });
    } else if (kinds.length === 0 && value.credentials === undefined && !refusedKindIn(value)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `backendAuth needs one of ${KINDS.join(", ")}, or credentials`,
      });
    }
  }, evenBesideOtherProblems)
  .describe("How the gateway authenticates to its targets.");

type BackendAuthConfig = z.infer<typeof backendAuthSchema>;

/** Whether a kind Gatehouse lacks is written: its own refusal says enough. */
const refusedKindIn = (value: object): boolean =>
  Object.keys(value).some((key) => key in REFUSED_KINDS);

/** One credential written into each request: where, and its value at the time. */
interface Stamp {
  placement: CredentialPlacement;
  /** Undefined: nothing to write (passthrough for a caller who presented no token). */
  value(callerToken: () => string | undefined): string | undefined | Promise<string>;
}

/**
 * The `backendAuth` policy, for HTTP targets: the credential the config names goes into each
 * request, where its `location` says (by default `Authorization: Bearer`). `passthrough`
 * forwards the caller's own validated token; without it that token never leaves the gateway,
 * since it authenticated the client to the gateway, not to the target. `key` sends a fixed
 * key, `jwtSign` a JWT signed for each request, and `credentials` further fixed values.
 * Keys in files are read when the config loads.
 */
export const backendAuth = definePolicy({
  key: "backendAuth",
  schema: backendAuthSchema,
  attachments: ["route", "backend", "target"],
  async compile(config, at, ctx): Promise<CompiledPolicy | undefined> {
    const stamps = await openStamps(config, at, ctx);
    if (!stamps) return undefined;
    return { wrapFetch: (next, callerToken) => authenticated(next, stamps, callerToken) };
  },
});

function authenticated(next: Fetch, stamps: Stamp[], callerToken: () => string | undefined): Fetch {
  return async (url, init) => {
    let request: [Parameters<Fetch>[0], RequestInit | undefined] = [url, init];
    for (const stamp of stamps) {
      const value = await stamp.value(callerToken);
      if (value !== undefined) request = stamp.placement.place(request[0], request[1], value);
    }
    return next(...request);
  };
}

/** The stamps of a config, its keys read and checked; undefined when any is unusable. */
async function openStamps(
  config: BackendAuthConfig,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<Stamp[] | undefined> {
  const opened: (Stamp | undefined)[] = [];
  if (config.passthrough) {
    const placement = new CredentialPlacement(config.passthrough.location);
    opened.push({ placement, value: (callerToken) => callerToken() });
  }
  if (config.key !== undefined) {
    const { key } = config;
    const path = [...at, "key"];
    if (typeof key === "string") opened.push(await fixed(key, undefined, path, ctx));
    else if (key.file !== undefined)
      opened.push(await fixed({ file: key.file }, undefined, path, ctx));
    else opened.push(await fixed(key.value as SecretConfig, key.location, [...path, "value"], ctx));
  }
  if (config.jwtSign) {
    const signer = await JwtSigner.open(config.jwtSign, [...at, "jwtSign"], ctx);
    const placement = new CredentialPlacement(config.jwtSign.location);
    opened.push(signer && { placement, value: () => signer.sign() });
  }
  for (const [i, credential] of (config.credentials ?? []).entries()) {
    const path = [...at, "credentials", i];
    opened.push(await fixed(credential.key, credential.location, path, ctx));
  }
  return opened.includes(undefined) ? undefined : (opened as Stamp[]);
}

/** A fixed credential: read once, and checked against where it goes. */
async function fixed(
  secret: SecretConfig,
  location: PlacementConfig | undefined,
  at: ConfigPath,
  ctx: CompileContext,
): Promise<Stamp | undefined> {
  const value = await loadSecret(secret, at, ctx);
  if (value === undefined) return undefined;
  const placement = new CredentialPlacement(location);
  const problem = placement.problem(value);
  if (problem) {
    ctx.problem(at, problem);
    return undefined;
  }
  return { placement, value: () => value };
}
