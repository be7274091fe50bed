/** Longer values are cut: a reason names a value, it does not reproduce a hostile one. */
const MAX_SHOWN = 100;

/**
 * A value taken from a token (or a JWKS), quoted for a rejection reason. Reasons travel into the
 * log and into a `WWW-Authenticate` header, so the result is printable ASCII only: JSON escaping
 * for quotes and control characters, `\uXXXX` for everything else.
 */
export function quoteUntrusted(value: unknown): string {
  const cut = typeof value === "string" && value.length > MAX_SHOWN;
  const quoted = JSON.stringify(cut ? value.slice(0, MAX_SHOWN) : value) ?? String(value);
  const shown = quoted.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return cut ? `${shown}...` : shown;
}
