import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** The environment variable agentgateway reads its OIDC cookie key from, in the same format. */
export const COOKIE_SECRET_VARIABLE = "OIDC_COOKIE_SECRET";

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Browsers keep cookies of about 4 KiB; a longer value is no cookie this gateway sealed. */
const MAX_SEALED_LENGTH = 4096;

/**
 * The key sessions are sealed with when no `OIDC_COOKIE_SECRET` is set: made once per process,
 * so that sessions and sign-ins under way survive config reloads and end when the gateway stops.
 */
let processKey: Buffer | undefined;

/**
 * What the browser keeps for an `oidc` policy, sealed with AES-256-GCM: nobody can read it, and
 * a value changed in any bit does not open. The additional data binds a value to its purpose
 * and its policy, so a sign-in cookie cannot pass for a session, nor one policy's for another's.
 */
export class CookieSeal {
  private constructor(private readonly key: Buffer) {}

  /**
   * The seal of `OIDC_COOKIE_SECRET` (64 hex digits, `openssl rand -hex 32`, as agentgateway
   * takes it) when it is set, so sessions outlive a restart and gateways can share them; else
   * the process's own. A value that is not such a key is the returned problem.
   */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): CookieSeal | string {
    const secret = env[COOKIE_SECRET_VARIABLE]?.trim();
    if (secret === undefined || secret === "") {
      return new CookieSeal((processKey ??= randomBytes(32)));
    }
    if (!/^[0-9a-fA-F]{64}$/.test(secret)) {
      return `${COOKIE_SECRET_VARIABLE} must be 64 hex digits (a 32-byte AES-256-GCM key, as \`openssl rand -hex 32\` prints), not ${secret.length} characters`;
    }
    return new CookieSeal(Buffer.from(secret, "hex"));
  }

  seal(binding: string, payload: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(binding));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  }

  /** What was sealed for `binding`, or undefined for anything else. */
  open(binding: string, sealed: string): unknown {
    if (sealed.length > MAX_SEALED_LENGTH) return undefined;
    const bytes = Buffer.from(sealed, "base64url");
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(binding));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
      const text = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}
