import { createHash, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { CRYPT_CHARACTERS } from "./crypt-base64";
import { md5Crypt } from "./md5-crypt";
import { shaCrypt } from "./sha-crypt";

/** One user's password, as the htpasswd file holds it. */
export interface PasswordHash {
  /** Whether `password` is the one hashed; the digests are compared in constant time. */
  verify(password: string): boolean | Promise<boolean>;
}

/** The most htpasswd -C makes; each step doubles the time, and 18 takes minutes in JavaScript. */
const MAX_BCRYPT_COST = 17;

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./0-9A-Za-z]{53}$/;
const MD5_CRYPT = /^(?<magic>\$1\$|\$apr1\$)(?<salt>[^$]{1,8})\$(?<digest>[./0-9A-Za-z]{22})$/;
const SHA_CRYPT =
  /^\$(?<variant>[56])\$(?:rounds=(?<rounds>\d{1,10})\$)?(?<salt>[^$]{0,16})\$(?<digest>[./0-9A-Za-z]+)$/;
const SHA1_BASE64 = /^\{SHA\}([A-Za-z0-9+/]{27}=)$/;

interface Md5CryptParts {
  magic: "$1$" | "$apr1$";
  salt: string;
  digest: string;
}
interface ShaCryptParts {
  variant: "5" | "6";
  rounds: string | undefined;
  salt: string;
  digest: string;
}

const SUPPORTED = "bcrypt ($2y$, $2b$, $2a$), $apr1$, {SHA}, $1$, $5$ or $6$";

/** Two encodings of the same fixed length, compared without an early exit. */
function sameText(computed: string, stored: string): boolean {
  return (
    computed.length === stored.length && timingSafeEqual(Buffer.from(computed), Buffer.from(stored))
  );
}

/**
 * The hash of an htpasswd line, ready to verify passwords, or why Gatehouse refuses it. These are
 * the formats agentgateway reads, less the two that are weak by design: DES crypt (it reads 8
 * characters of a password) and `$2x$` (a marker for hashes made by a bug). A plain-text
 * password is refused too, where agentgateway would take it for a crypt hash no password matches.
 */
export function readPasswordHash(hash: string): PasswordHash | string {
  if (BCRYPT.test(hash)) {
    const cost = Number(hash.slice(4, 6));
    if (cost < 4) return `bcrypt cost ${cost} is below 4, the least bcrypt has`;
    if (cost > MAX_BCRYPT_COST) {
      return `bcrypt cost ${cost} is over ${MAX_BCRYPT_COST}, the most htpasswd makes: every check would take minutes`;
    }
    return { verify: (password) => bcrypt.compare(password, hash) };
  }
  const md5 = MD5_CRYPT.exec(hash)?.groups as Md5CryptParts | undefined;
  if (md5) {
    const { magic, salt, digest } = md5;
    return { verify: (password) => sameText(md5Crypt(Buffer.from(password), salt, magic), digest) };
  }
  const sha = SHA_CRYPT.exec(hash)?.groups as ShaCryptParts | undefined;
  if (sha) return shaCryptHash(sha);
  const sha1 = SHA1_BASE64.exec(hash);
  if (sha1) {
    const digest = sha1[1] as string;
    const base64Sha1 = (password: string) => createHash("sha1").update(password).digest("base64");
    return { verify: (password) => sameText(base64Sha1(password), digest) };
  }
  if (hash.startsWith("$2x$")) {
    return `$2x$ marks bcrypt hashes made by a bug in crypt_blowfish, which Gatehouse does not reproduce: re-create the password with htpasswd -B`;
  }
  if (hash.length === 13 && CRYPT_CHARACTERS.test(hash)) {
    return "this looks like a DES crypt hash, which reads only the first 8 characters of a password: Gatehouse does not accept it; re-create the password with htpasswd -B";
  }
  if (/^(\$|\{SHA\})/.test(hash)) return `a malformed hash: Gatehouse reads ${SUPPORTED}`;
  return `not a password hash Gatehouse reads (${SUPPORTED}); a plain-text password is not accepted`;
}

function shaCryptHash({ variant, rounds, salt, digest }: ShaCryptParts): PasswordHash | string {
  const kind = variant === "5" ? "sha256" : "sha512";
  const length = variant === "5" ? 43 : 86;
  if (digest.length !== length)
    return `a $${variant}$ hash has ${length} characters after the salt`;
  // The specification's bounds: fewer rounds mean 1000, more mean 999999999.
  const count = Math.min(Math.max(rounds === undefined ? 5000 : Number(rounds), 1000), 999_999_999);
  return {
    verify: (password) => sameText(shaCrypt(kind, Buffer.from(password), salt, count), digest),
  };
}
