import type { AccessLogValue } from "../log-event";

/**
 * A CEL value as a log field or span attribute holds it: strings, numbers and booleans as they
 * are (an int as a number where it fits one exactly), lists, maps and bytes as their JSON text;
 * undefined for null, which leaves the field out, as agentgateway does.
 */
export function toLogValue(value: unknown): AccessLogValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case "undefined":
      return undefined;
    default:
      return value === null ? undefined : JSON.stringify(value, jsonOfCel);
  }
}

/** cel-js values JSON does not know: ints (bigint), maps, bytes. */
function jsonOfCel(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return toLogValue(value);
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}
