import { openFileKeySource } from "./file-key-source";
import { openInlineKeySource } from "./inline-key-source";
import type { JwksSpec, KeySource, KeySourceOptions } from "./key-source";
import { openUrlKeySource } from "./url-key-source";

/**
 * Opens the keys of one `jwks` setting. Throws an Error written for the user when an inline
 * JWKS or a file is missing, unreadable, not JSON or has no usable keys; a URL that cannot be
 * fetched yet does not throw (see `KeySource.unavailable`).
 */
export async function openKeySource(spec: JwksSpec, options: KeySourceOptions): Promise<KeySource> {
  if (typeof spec === "string") return openInlineKeySource(spec, options);
  if ("file" in spec) return openFileKeySource(spec.file, options);
  return openUrlKeySource(spec.url, options);
}
