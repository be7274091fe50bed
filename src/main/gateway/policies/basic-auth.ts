import { z } from "zod";
import type { Refusal } from "./authenticator";
import { quoted } from "./bearer";
import { withCredential } from "./caller";
import { readConfigFile } from "./config-file";
import {
  CredentialLocation,
  credentialLocationSchema,
  MAX_CREDENTIAL_LENGTH,
} from "./credential-location";
import { Htpasswd } from "./htpasswd/htpasswd";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";

const basicAuthSchema = z
  .strictObject({
    htpasswd: z
      .union(
        [
          z.string().describe("The users, inline, in htpasswd format (write each $ as $$)."),
          z.strictObject({
            file: z
              .string()
              .min(1)
              .describe("An htpasswd file, relative to the working directory."),
          }),
        ],
        { error: "htpasswd is the users inline, in htpasswd format, or {file: <path>}" },
      )
      .describe("Users and their password hashes: bcrypt, $apr1$, {SHA}, $1$, $5$ or $6$."),
    realm: z
      .string()
      .nullable()
      .optional()
      .describe('The realm named in the challenge of a refusal; default "Restricted".'),
    mode: z
      .enum(["strict", "optional"])
      .optional()
      .describe(
        "strict: valid credentials are required. optional (the default): none passes, wrong ones fail.",
      ),
    authorizationLocation: credentialLocationSchema
      .optional()
      .describe("Where the credentials are; default the `Authorization: Basic ...` header."),
  })
  .describe("Authenticate callers by user name and password (agentgateway's `basicAuth`).");

export type BasicAuthConfig = z.infer<typeof basicAuthSchema>;

const BASIC_HEADER = { header: { name: "authorization", prefix: "Basic " } };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** User name and password from the base64 of `user:password`, or undefined if it is not that. */
function decodeCredentials(encoded: string): { user: string; password: string } | undefined {
  if (!BASE64.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, "base64"));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The two answers of a refusal, as agentgateway gives them for this realm and location. */
class Challenges {
  readonly missing: Refusal;
  private readonly invalid: Refusal;

  constructor(realm: string, proxy: boolean) {
    const status = proxy ? 407 : 401;
    const headers = {
      "Content-Type": "text/plain; charset=utf-8",
      [proxy ? "Proxy-Authenticate" : "WWW-Authenticate"]: `Basic realm=${quoted(realm)}`,
    };
    const answer = (body: string, reason: string): Refusal => ({
      status,
      headers,
      body: `basic authentication failure: ${body}`,
      reason,
    });
    this.missing = answer(
      "no basic authentication credentials found",
      "no basic authentication credentials found",
    );
    this.invalid = answer("invalid credentials", "invalid credentials");
  }

  /** Every wrong credential gets the same answer; only the log says which way it was wrong. */
  refuse(reason: string, claimedUser?: string): Refusal {
    const refusal = { ...this.invalid, reason: `invalid credentials: ${reason}` };
    return claimedUser === undefined
      ? refusal
      : { ...refusal, claimed: { subject: claimedUser, issuer: "basicAuth" } };
  }
}

/** The `basicAuth` policy, with agentgateway's modes `strict` and `optional`. */
export class BasicAuthPolicy implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    private readonly users: Htpasswd,
    private readonly strict: boolean,
    private readonly location: CredentialLocation,
    private readonly challenges: Challenges,
  ) {}

  handle(request: PolicyRequest): StepResult | Promise<StepResult> {
    const encoded = this.location.read(request.req);
    if (encoded === undefined) return this.strict ? this.challenges.missing : undefined;
    if (encoded.length > MAX_CREDENTIAL_LENGTH) {
      return this.challenges.refuse(`longer than ${MAX_CREDENTIAL_LENGTH} characters`);
    }
    const credentials = decodeCredentials(encoded);
    if (!credentials) return this.challenges.refuse("not the base64 of user:password");
    return this.verify(request, credentials.user, credentials.password);
  }

  private async verify(
    request: PolicyRequest,
    user: string,
    password: string,
  ): Promise<StepResult> {
    const verdict = await this.users.verify(user, password);
    // An unknown name is not logged: it may be a password typed into the wrong field.
    if (verdict === "unknown user") return this.challenges.refuse("unknown user");
    if (verdict === "wrong password") return this.challenges.refuse("wrong password", user);
    request.caller = withCredential(
      request.caller,
      { subject: user, issuer: "basicAuth", basicAuth: { username: user } },
      this.location.place,
    );
    return undefined;
  }
}

export const basicAuth = definePolicy({
  key: "basicAuth",
  schema: basicAuthSchema,
  attachments: ["gateway", "listener", "route"],
  step: "authenticate",
  async compile(config, path, ctx) {
    const { htpasswd } = config;
    const inline = typeof htpasswd === "string";
    const at = inline ? [...path, "htpasswd"] : [...path, "htpasswd", "file"];
    const text = inline ? htpasswd : await readConfigFile(htpasswd.file, at, ctx);
    if (text === undefined) return undefined;
    const users = Htpasswd.parse(text);
    if (Array.isArray(users)) {
      const source = inline ? "htpasswd" : htpasswd.file;
      for (const problem of users) ctx.problem(at, `${source}: ${problem}`);
      return undefined;
    }
    const location = new CredentialLocation(config.authorizationLocation ?? BASIC_HEADER);
    const challenges = new Challenges(config.realm ?? "Restricted", location.isProxyAuthorization);
    return new BasicAuthPolicy(users, config.mode === "strict", location, challenges);
  },
});
