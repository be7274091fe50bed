import { UsageError } from "../usage";

/** `--claims '{"team":"dev"}'` and `--sub alice` as one claims object. */
export function claimsFrom(
  json: string | undefined,
  sub: string | undefined,
): Record<string, unknown> {
  let parsed: unknown = {};
  if (json !== undefined) {
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(
        `--claims is not valid JSON (${(error as Error).message}); for example --claims '{"team":"dev"}'`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(
        `--claims must be a JSON object, for example --claims '{"team":"dev","roles":["reader"]}'`,
      );
    }
  }
  const claims = parsed as Record<string, unknown>;
  return sub === undefined ? claims : { ...claims, sub };
}
