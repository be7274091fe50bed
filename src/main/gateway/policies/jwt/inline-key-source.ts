import { reportSkipped } from "./current-keys";
import { parseKeySet } from "./key-set";
import type { KeySource, KeySourceOptions } from "./key-source";

/** A JWKS written into the config: it changes only with the config, which opens a new source. */
export async function openInlineKeySource(
  jwks: string,
  options: KeySourceOptions,
): Promise<KeySource> {
  const origin = "the inline jwks";
  const set = await parseKeySet(jwks, origin);
  reportSkipped(set, origin, options.onNotice);
  return {
    version: 0,
    unavailable: undefined,
    find: (kid) => Promise.resolve(set.byKid.get(kid)),
    close: () => Promise.resolve(),
  };
}
