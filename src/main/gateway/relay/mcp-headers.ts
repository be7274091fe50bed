import type { IncomingHttpHeaders } from "node:http";
import type { RpcMessage } from "./jsonrpc";

/** The methods whose item name `Mcp-Name` mirrors (2026-07-28), and the field it comes from. */
const NAMED_BY: Readonly<Record<string, "name" | "uri">> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
};

/** Values that could not travel as plain header text come as `=?base64?<utf-8 base64>?=`. */
const BASE64_SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;
/** Text a header carries as it is: visible ASCII, spaces and tabs, but none at either end. */
const PLAIN_HEADER_TEXT = /^(?![ \t])[\x20-\x7e\t]*(?<![ \t])$/;

/** The value a mirrored header stands for, or `undefined` when its encoding is broken. */
function decodeHeaderValue(raw: string): string | undefined {
  if (!raw.startsWith("=?base64?")) return raw;
  const encoded = BASE64_SENTINEL.exec(raw)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, "base64");
  // Buffer.from skips what is not base64; a value that does not round-trip was not base64.
  return decoded.toString("base64") === encoded ? decoded.toString("utf8") : undefined;
}

/**
 * `value` as a mirrored header carries it: as it is where that is plain header text, else in
 * the Base64 form, which also takes a plain value that would read as that form.
 */
function encodeHeaderValue(value: string): string {
  const plain =
    PLAIN_HEADER_TEXT.test(value) && !(value.startsWith("=?base64?") && value.endsWith("?="));
  return plain ? value : `=?base64?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** The `Mcp-Name` header of a 2026-07-28 request, encoded; `undefined` when it names no item. */
export function nameHeader(message: RpcMessage): string | undefined {
  const field = message.method === undefined ? undefined : NAMED_BY[message.method];
  const name = field && message.params?.[field];
  return typeof name === "string" ? encodeHeaderValue(name) : undefined;
}

/**
 * Why the `Mcp-Method` and `Mcp-Name` headers of a POST do not stand for its body, or
 * `undefined` when they do. Anything in front of the gateway, and the route's own rules, may
 * decide on these headers; the relay decides on the body, so the two must agree before anything
 * is relayed. `required` (a 2026-07-28 request) makes a missing header a mismatch too.
 */
export function headerMismatch(
  headers: IncomingHttpHeaders,
  message: RpcMessage,
  required: boolean,
): string | undefined {
  const method = headerValue(headers, "mcp-method");
  if (method === undefined) {
    if (required) return "the Mcp-Method header is missing";
  } else if (method !== message.method) {
    return "the Mcp-Method header does not match the method in the body";
  }
  // What Mcp-Name mirrors is defined for three methods; of another (an extension's) the
  // gateway does not know it, and it decides nothing on such a name either.
  const field = message.method === undefined ? undefined : NAMED_BY[message.method];
  if (!field) return undefined;
  const name = headerValue(headers, "mcp-name");
  if (name === undefined) return required ? "the Mcp-Name header is missing" : undefined;
  const bodyName = message.params?.[field];
  if (typeof bodyName !== "string") return "an Mcp-Name header came with a body that names nothing";
  const decoded = decodeHeaderValue(name);
  if (decoded === undefined) return "the Mcp-Name header is not valid =?base64?...?= encoding";
  return decoded === bodyName ? undefined : "the Mcp-Name header does not match the body";
}

/** A header as one string: node joins a repeated one with ", ", which then matches nothing. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The `Mcp-Param-*` headers a client sent: the gateway forwards them to the target. */
export function paramHeaders(headers: IncomingHttpHeaders): Record<string, string> | undefined {
  let found: Record<string, string> | undefined;
  for (const name in headers) {
    if (!name.startsWith("mcp-param-")) continue;
    const value = headers[name];
    if (typeof value === "string") (found ??= {})[name] = value;
  }
  return found;
}
