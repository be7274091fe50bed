import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { evenBesideOtherProblems } from "../../config/schema-parts";
import type { Refusal } from "./authenticator";
import { withCredential } from "./caller";
import { toCelValue } from "./cel";
import {
  CredentialLocation,
  credentialLocationSchema,
  MAX_CREDENTIAL_LENGTH,
} from "./credential-location";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";

const SHA256_KEY_HASH = /^sha256:([0-9a-fA-F]{64})$/;

const apiKeyEntrySchema = z
  .strictObject({
    key: z.string().min(1).optional().describe("A key callers may present."),
    keyHash: z
      .string()
      .regex(SHA256_KEY_HASH, {
        error:
          'keyHash must be "sha256:" and the 64 hex digits of the key\'s SHA-256, the one hash agentgateway and Gatehouse read',
      })
      .optional()
      .describe("The SHA-256 of a key callers may present, as `sha256:<hex>`."),
    metadata: z
      .record(z.string(), z.unknown(), {
        error: "metadata is a map, whose values rules read as apiKey.<name>",
      })
      .optional()
      .describe(
        "What rules see of callers with this key, as `apiKey.<name>`; `name` also names the caller in the log.",
      ),
  })
  .superRefine((entry, ctx) => {
    if ((entry.key === undefined) === (entry.keyHash === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: 'each key has either "key" or "keyHash", not both and not neither',
      });
    }
  }, evenBesideOtherProblems);

const apiKeySchema = z
  .strictObject({
    keys: z.array(apiKeyEntrySchema).describe("The API keys this policy accepts."),
    mode: z
      .enum(["strict", "optional", "permissive"])
      .optional()
      .describe(
        "strict: a valid key is required. optional (the default): no key passes, a wrong one fails. permissive: never rejects.",
      ),
    location: credentialLocationSchema
      .optional()
      .describe("Where the key is; default the `Authorization: Bearer <key>` header."),
  })
  .describe("Authenticate callers by API key (agentgateway's `apiKey`).");

export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

type Mode = NonNullable<ApiKeyConfig["mode"]>;

/** A configured key as the policy keeps it: its digest, never the key itself. */
interface AcceptedKey {
  digest: Buffer;
  /** The caller's name in the log and the session's owner. */
  subject: string;
  /** CEL's `apiKey` for its callers, converted once. */
  cel: Readonly<Record<string, unknown>>;
}

const BEARER_HEADER = { header: { name: "authorization", prefix: "Bearer " } };

/** agentgateway's answer: 401, the reason in the body, and no challenge header. */
function refusal(body: string, reason: string): Refusal {
  return {
    status: 401,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
    body: `api key authentication failure: ${body}`,
    reason,
  };
}

const NO_KEY = refusal("no API Key found", "no API Key found");
const UNKNOWN_KEY = refusal("invalid credentials", "the API key matches no configured key");
const OVERLONG_KEY = refusal(
  "invalid credentials",
  `the API key is longer than ${MAX_CREDENTIAL_LENGTH} characters`,
);

function sha256(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/**
 * The `apiKey` policy, with agentgateway's modes. A key is known by its SHA-256 alone, and a
 * presented key is compared with every configured digest in constant time, so neither memory
 * nor timing tells anything about the keys.
 */
export class ApiKeyPolicy implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    private readonly keys: readonly AcceptedKey[],
    private readonly mode: Mode,
    private readonly location: CredentialLocation,
  ) {}

  handle(request: PolicyRequest): StepResult {
    const presented = this.location.read(request.req);
    if (presented === undefined) return this.mode === "strict" ? NO_KEY : undefined;
    const accepted = presented.length <= MAX_CREDENTIAL_LENGTH ? this.find(presented) : undefined;
    if (!accepted) {
      if (this.mode === "permissive") return undefined;
      return presented.length <= MAX_CREDENTIAL_LENGTH ? UNKNOWN_KEY : OVERLONG_KEY;
    }
    request.caller = withCredential(
      request.caller,
      { subject: accepted.subject, issuer: "apiKey", apiKey: accepted.cel },
      this.location.place,
    );
    return undefined;
  }

  private find(presented: string): AcceptedKey | undefined {
    const digest = sha256(presented);
    let found: AcceptedKey | undefined;
    // No early exit: the time taken must not say which key, if any, matched.
    for (const key of this.keys) if (timingSafeEqual(digest, key.digest)) found = key;
    return found;
  }
}

export const apiKey = definePolicy({
  key: "apiKey",
  schema: apiKeySchema,
  attachments: ["gateway", "listener", "route"],
  step: "authenticate",
  compile(config, path, ctx) {
    const seen = new Map<string, number>();
    const keys = config.keys.map((entry, i): AcceptedKey => {
      const hex = entry.keyHash?.match(SHA256_KEY_HASH)?.[1];
      const digest = hex ? Buffer.from(hex, "hex") : sha256(entry.key as string);
      const first = seen.get(digest.toString("hex"));
      if (first === undefined) seen.set(digest.toString("hex"), i);
      else ctx.problem([...path, "keys", i], `this is the same key as keys[${first}]`);
      const name = entry.metadata?.name;
      return {
        digest,
        subject: typeof name === "string" && name.trim() ? name.trim() : `keys[${i}]`,
        // As agentgateway's: the metadata, and the key itself only as "<redacted>".
        cel: Object.freeze(toCelValue({ ...entry.metadata, key: "<redacted>" })),
      };
    });
    if (seen.size < keys.length) return undefined;
    const location = new CredentialLocation(config.location ?? BEARER_HEADER);
    return new ApiKeyPolicy(keys, config.mode ?? "optional", location);
  },
});
