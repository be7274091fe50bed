import { createHash } from "node:crypto";
import { cryptBase64 } from "./crypt-base64";

export type ShaCryptKind = "sha256" | "sha512";

/** The byte order of the encoded digest, as Ulrich Drepper's specification has it. */
// prettier-ignore
const GROUPS: Record<ShaCryptKind, readonly (readonly number[])[]> = {
  sha256: [
    [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
    [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [31, 30],
  ],
  sha512: [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
    [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54],
    [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60],
    [40, 61, 19], [62, 20, 41], [63],
  ],
};

/** `length` bytes of `digest` repeated, as the specification stretches P and S. */
function repeated(digest: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += digest.length) digest.copy(out, at);
  return out;
}

/**
 * SHA-crypt (`$5$` with SHA-256, `$6$` with SHA-512): the encoded digest after the salt. The
 * salt is at most 16 characters and the rounds are already clamped to 1000..999999999.
 */
export function shaCrypt(
  kind: ShaCryptKind,
  password: Buffer,
  salt: string,
  rounds: number,
): string {
  const saltBytes = Buffer.from(salt);
  const size = kind === "sha256" ? 32 : 64;
  const alternate = createHash(kind).update(password).update(saltBytes).update(password).digest();
  const a = createHash(kind).update(password).update(saltBytes);
  let left = password.length;
  for (; left > size; left -= size) a.update(alternate);
  a.update(alternate.subarray(0, left));
  for (let bits = password.length; bits > 0; bits >>>= 1) {
    a.update(bits & 1 ? alternate : password);
  }
  let digest = a.digest();

  const dp = createHash(kind);
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeated(dp.digest(), password.length);
  const ds = createHash(kind);
  for (let i = 0; i < 16 + (digest[0] as number); i++) ds.update(saltBytes);
  const s = repeated(ds.digest(), saltBytes.length);

  for (let round = 0; round < rounds; round++) {
    const c = createHash(kind).update(round & 1 ? p : digest);
    if (round % 3) c.update(s);
    if (round % 7) c.update(p);
    digest = c.update(round & 1 ? digest : p).digest();
  }
  return cryptBase64(digest, GROUPS[kind]);
}
