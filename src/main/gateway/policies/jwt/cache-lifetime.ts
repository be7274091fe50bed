/** Without `Cache-Control: max-age`, a fetched JWKS is kept this long. */
const DEFAULT_MS = 5 * 60_000;
/** An IdP that says `max-age=0` or `no-store` is still not fetched more than once a minute. */
const FLOOR_MS = 60_000;
/** Even a JWKS cached "for a year" is looked at daily, so a rotation arrives within a day. */
const CAP_MS = 24 * 60 * 60_000;

/** How long a fetched JWKS counts as current, from the response's `Cache-Control` header. */
export function cacheLifetimeMs(cacheControl: string | null): number {
  if (cacheControl === null) return DEFAULT_MS;
  if (/(?:^|[\s,])no-(?:store|cache)\b/i.test(cacheControl)) return FLOOR_MS;
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl)?.[1];
  if (maxAge === undefined) return DEFAULT_MS;
  return Math.min(CAP_MS, Math.max(FLOOR_MS, Number(maxAge) * 1000));
}
