import type { KeySource } from "./key-source";
import type { Verified } from "./verdict";

interface Entry {
  verified: Verified;
  keys: KeySource;
  /** The key set the signature was checked against; a newer one may have dropped that key. */
  version: number;
}

/**
 * Tokens that passed verification, so a client that sends the same token on every request pays
 * for the signature check once. Bounded: the least recently used entry makes room. Expiry is
 * the verifier's to check on every hit; rejections are never stored here.
 */
export class VerifiedTokenCache {
  /** A Map iterates in insertion order; moving a hit to the end makes the first entry the LRU. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(token: string): Verified | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.version !== entry.keys.version) return undefined;
    this.entries.set(token, entry);
    return entry.verified;
  }

  /** `version` is the source's version read before the key was looked up. */
  add(token: string, verified: Verified, keys: KeySource, version: number): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { verified, keys, version });
  }

  delete(token: string): void {
    this.entries.delete(token);
  }
}
