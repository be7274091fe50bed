import { describeKeySet, type KeySet } from "./key-set";
import type { KeySourceOptions } from "./key-source";
import type { VerificationKey } from "./verification-key";

/**
 * The key set a reloading source serves now. `version` moves only when a reload brings different
 * keys, so a periodic refetch of the same JWKS does not empty the verified-token cache.
 */
export class CurrentKeys {
  version = 0;

  constructor(
    private set: KeySet,
    private readonly origin: string,
    private readonly onNotice: KeySourceOptions["onNotice"],
  ) {}

  get(kid: string): VerificationKey | undefined {
    return this.set.byKid.get(kid);
  }

  get size(): number {
    return this.set.byKid.size;
  }

  /** Serves `next` from now on if it differs, and says so in the log. */
  replace(next: KeySet): void {
    if (next.fingerprint === this.set.fingerprint) return;
    const first = this.set.byKid.size === 0;
    this.set = next;
    this.version++;
    this.onNotice(
      "info",
      `${this.origin} ${first ? "has" : "changed, now"} ${describeKeySet(next)}`,
    );
    reportSkipped(next, this.origin, this.onNotice);
  }
}

export function reportSkipped(
  set: KeySet,
  origin: string,
  onNotice: KeySourceOptions["onNotice"],
): void {
  for (const reason of set.skipped) onNotice("warn", `${origin}: ${reason} (ignored)`);
}
