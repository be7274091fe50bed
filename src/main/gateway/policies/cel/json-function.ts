import type { Environment } from "@marcbachmann/cel-js";
import { toCelValue } from "./claims";

/** The most text `json()` parses: an authorization service's answer is read up to 1 MiB too. */
export const MAX_JSON_BYTES = 1024 * 1024;
/** How deeply the parsed value may nest: deeper is a hostile answer, not an identity. */
const MAX_JSON_DEPTH = 64;

/**
 * agentgateway's `json(string | bytes)`: the text parsed as JSON, as CEL values (whole numbers
 * as ints, as claims are). Bounded in size and depth; anything else is an evaluation error.
 */
export function withJsonFunction(environment: Environment): Environment {
  return environment
    .registerFunction("json(string): dyn", (text: string) => parseJson(text, text.length))
    .registerFunction("json(bytes): dyn", (bytes: Uint8Array) =>
      parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), bytes.length),
    );
}

function parseJson(text: string | Buffer, size: number): unknown {
  if (size > MAX_JSON_BYTES) throw new Error(`json(): more than ${MAX_JSON_BYTES} bytes`);
  const value: unknown = JSON.parse(text.toString());
  if (depthOver(value, MAX_JSON_DEPTH)) {
    throw new Error(`json(): nested more than ${MAX_JSON_DEPTH} deep`);
  }
  return toCelValue(value);
}

function depthOver(value: unknown, room: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (room === 0) return true;
  const members = Array.isArray(value) ? value : Object.values(value);
  return members.some((member) => depthOver(member, room - 1));
}
