/** The alphabet of crypt(3) hashes: not RFC 4648 base64, and written least significant first. */
const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A hash string's characters, and only those. */
export const CRYPT_CHARACTERS = /^[./0-9A-Za-z]*$/;

/**
 * Encodes a digest the way MD5-crypt and SHA-crypt do: `groups` lists byte indexes three at a
 * time (the first of a group is the most significant), and each group becomes four characters,
 * fewer for a short last group.
 */
export function cryptBase64(digest: Buffer, groups: readonly (readonly number[])[]): string {
  let text = "";
  for (const group of groups) {
    let word = 0;
    for (const index of group) word = (word << 8) | (digest[index] as number);
    for (let n = group.length + 1; n > 0; n--) {
      text += ITOA64[word & 0x3f];
      word >>>= 6;
    }
  }
  return text;
}
