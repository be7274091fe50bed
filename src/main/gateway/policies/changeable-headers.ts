/**
 * Which headers a policy may set, add or remove, checked when the config loads. agentgateway
 * lets a header modifier touch any header; in front of MCP, some belong to the transport, and
 * changing them would break every session rather than shape it.
 */

/** RFC 9110's token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A field value: visible characters, spaces and tabs, no line breaks (RFC 9110 5.5). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const SESSION = "the relay and each target session keep their own session ids";
const NEGOTIATED = "each side of the relay negotiates its own";
const MIRRORED = "it must match the JSON-RPC body the relay sends";
const FRAMING = "it describes the body, which the relay and the targets write themselves";
const HOP_BY_HOP = "it belongs to one connection, which Node manages";

/** Headers that frame a message or belong to a connection: no policy writes them. */
const CONNECTION: ReadonlyMap<string, string> = new Map([
  ["content-length", FRAMING],
  ["transfer-encoding", FRAMING],
  ["connection", HOP_BY_HOP],
  ["keep-alive", HOP_BY_HOP],
  ["proxy-connection", HOP_BY_HOP],
  ["te", HOP_BY_HOP],
  ["trailer", HOP_BY_HOP],
  ["upgrade", HOP_BY_HOP],
]);

/** Headers the MCP transport owns besides, with why a policy cannot change them. */
const MCP_OWNED: ReadonlyMap<string, string> = new Map([
  ["mcp-session-id", SESSION],
  ["mcp-protocol-version", NEGOTIATED],
  ["mcp-method", MIRRORED],
  ["mcp-name", MIRRORED],
  ["last-event-id", "a stream resumes where the relay's own ids say"],
  ["accept", "MCP clients and targets must accept JSON and event streams, as the relay sends"],
  ["content-type", FRAMING],
  ["content-encoding", FRAMING],
  ["host", "use urlRewrite.authority to send targets another host name"],
]);

export type HeaderChange = "add" | "set" | "remove";

/** Why no policy may write this header, or undefined when one may (an answer of its own). */
export function headerNameProblem(name: string): string | undefined {
  if (name.startsWith(":")) {
    return `${name} is an HTTP/2 pseudo-header; Gatehouse changes headers only (use urlRewrite for the authority or path)`;
  }
  if (!TOKEN.test(name)) return `"${name}" is not a valid header name`;
  const lower = name.toLowerCase();
  const reason = CONNECTION.get(lower);
  return reason && `${lower} cannot be set by a policy: ${reason}`;
}

/** Why a policy may not change this header of a relayed request or answer this way. */
export function headerChangeProblem(name: string, change: HeaderChange): string | undefined {
  const problem = headerNameProblem(name);
  if (problem) return problem;
  const lower = name.toLowerCase();
  const owned = MCP_OWNED.get(lower) ?? (lower.startsWith("mcp-param-") ? MIRRORED : undefined);
  if (owned) return `${lower} belongs to the MCP transport and cannot be changed: ${owned}`;
  if (lower === "authorization" && change === "add") {
    return "adding an Authorization header would send a second one beside the first: use set to replace it";
  }
  return undefined;
}

/** Why this value cannot be a header's, or undefined when it can. */
export function headerValueProblem(value: string): string | undefined {
  return FIELD_VALUE.test(value)
    ? undefined
    : "a header value cannot hold line breaks or other control characters";
}

/** Whether a value computed at request time (from CEL) may go into a header as it is. */
export function isHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}
