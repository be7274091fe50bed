import { createHash } from "node:crypto";
import { cryptBase64 } from "./crypt-base64";

/** The byte order of the encoded digest: MD5-crypt's, shared by `$1$` and Apache's `$apr1$`. */
const GROUPS = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5], [11]] as const;

/**
 * Poul-Henning Kamp's MD5-crypt, the 22 characters after the salt. `magic` is `$1$` for the
 * original and `$apr1$` for Apache's variant (htpasswd's default), which differ in nothing else.
 */
export function md5Crypt(password: Buffer, salt: string, magic: "$1$" | "$apr1$"): string {
  const saltBytes = Buffer.from(salt);
  const alternate = createHash("md5").update(password).update(saltBytes).update(password).digest();
  const context = createHash("md5").update(password).update(magic).update(saltBytes);
  for (let left = password.length; left > 0; left -= 16) {
    context.update(alternate.subarray(0, Math.min(left, 16)));
  }
  const zero = Buffer.alloc(1);
  const first = password.subarray(0, 1);
  for (let bits = password.length; bits > 0; bits >>>= 1) {
    context.update(bits & 1 ? zero : first);
  }
  let digest = context.digest();
  // A thousand rounds, to make guessing slower.
  for (let round = 0; round < 1000; round++) {
    const hash = createHash("md5").update(round & 1 ? password : digest);
    if (round % 3) hash.update(saltBytes);
    if (round % 7) hash.update(password);
    digest = hash.update(round & 1 ? digest : password).digest();
  }
  return cryptBase64(digest, GROUPS);
}
