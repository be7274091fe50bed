import { createHmac, randomBytes } from "node:crypto";
import { readPasswordHash, type PasswordHash } from "./password-hash";

/** How a user name and password fared. */
export type PasswordVerdict = "verified" | "unknown user" | "wrong password";

/**
 * Successful checks remembered, so that a client sending its password on every request does not
 * pay for a slow hash each time. Bounded like the regex cache: cleared when full.
 */
const MAX_REMEMBERED = 256;

/**
 * The users of an htpasswd file, each with the hash of its password. The file is read once;
 * every line that is not a user Gatehouse can check is a problem, so no user is silently lost.
 */
export class Htpasswd {
  /** A per-process key: what the cache holds of a password is useless outside this process. */
  private static readonly cacheKey = randomBytes(32);
  private readonly remembered = new Set<string>();

  private constructor(private readonly users: ReadonlyMap<string, PasswordHash>) {}

  /** The users of `text`, or the problems of its lines (each naming its line and user). */
  static parse(text: string): Htpasswd | string[] {
    const users = new Map<string, PasswordHash>();
    const lineOf = new Map<string, number>();
    const problems: string[] = [];
    text.split("\n").forEach((raw, i) => {
      const line = raw.trimEnd();
      if (line === "" || line.startsWith("#")) return;
      const at = `line ${i + 1}`;
      const colon = line.indexOf(":");
      if (colon <= 0) {
        problems.push(`${at} is not "user:password-hash"`);
        return;
      }
      const user = line.slice(0, colon);
      const hash = readPasswordHash(line.slice(colon + 1));
      if (typeof hash === "string") problems.push(`${at} (user ${user}): ${hash}`);
      else if (lineOf.has(user))
        problems.push(`${at}: user ${user} is already on line ${lineOf.get(user)}`);
      else {
        users.set(user, hash);
        lineOf.set(user, i + 1);
      }
    });
    if (problems.length === 0 && users.size === 0) problems.push("it lists no users");
    return problems.length > 0 ? problems : new Htpasswd(users);
  }

  async verify(user: string, password: string): Promise<PasswordVerdict> {
    // The length keeps user "a:b" with password "c" apart from user "a" with password "b:c".
    const memo = createHmac("sha256", Htpasswd.cacheKey)
      .update(`${user.length}:${user}:${password}`)
      .digest("base64");
    if (this.remembered.has(memo)) return "verified";
    const hash = this.users.get(user);
    if (!hash) {
      // Check against some user's hash anyway, so that an unknown name takes as long as a
      // wrong password and the time taken does not tell which names exist.
      await (this.users.values().next().value as PasswordHash).verify(password);
      return "unknown user";
    }
    if (!(await hash.verify(password))) return "wrong password";
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.add(memo);
    return "verified";
  }
}
