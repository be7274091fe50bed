/**
 * Converts verified JWT claims (JSON) to the values CEL rules work with. Integral numbers become
 * BigInt, CEL's `int`: cel-js reads a JavaScript number as `double`, which compares with ints but
 * has no arithmetic or list indexing with them (`jwt.exp - 60 > 0`, `jwt.roles[jwt.main]`).
 * Objects are copied without a prototype, so a claim named `__proto__` stays a plain claim.
 *
 * Call it once per verified token, not per rule: CelContext.jwt must hold its result. A value
 * from a caller that may be nested without end (a call's arguments) gets a `maxDepth`: deeper
 * objects and arrays throw a RangeError before the conversion or any rule recurses that far.
 */
export function toCelValue(claims: Record<string, unknown>): Record<string, unknown>;
export function toCelValue(value: unknown, maxDepth?: number): unknown;
export function toCelValue(value: unknown, maxDepth = Infinity): unknown {
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== "object") return value;
  if (maxDepth < 1) throw new RangeError("nested too deep");
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, maxDepth - 1));
  const copy: Record<string, unknown> = Object.create(null);
  for (const [key, member] of Object.entries(value)) copy[key] = toCelValue(member, maxDepth - 1);
  return copy;
}
