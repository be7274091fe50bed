import { boundLines, boundText } from "./bounded-text";

/**
 * What the gateway reports on its log bus. Every front end (stdout printer, the UI's live log,
 * the denial file) reads these and nothing else, so they carry everything a person needs to
 * understand a request without the token itself.
 */

/** One HTTP request, or one JSON-RPC request inside it, and how it ended. */
export interface RequestEvent {
  kind: "request";
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** The HTTP status the client got. A JSON-RPC error inside a 200 answer keeps status 200. */
  status: number;
  httpMethod: string;
  path: string;
  route?: string;
  /** JSON-RPC method, e.g. `tools/call`. */
  method?: string;
  /** The target that served it, for routed calls. */
  target?: string;
  /** Tool or prompt name, or resource URI, as the target knows it (without the target prefix). */
  name?: string;
  session?: string;
  /** The caller, from a verified token: its `sub`, and the issuer (provider) that vouched for it. */
  subject?: string;
  issuer?: string;
  /**
   * What a refused token claims as its `sub` and `iss`, read without verifying it: who the
   * token says it is for, which may be a lie. Never a reason to trust anything.
   */
  unverifiedSubject?: string;
  unverifiedIssuer?: string;
  /** Why a policy allowed or denied it: the deciding rule, or the failure (never the token). */
  reason?: string;
  /**
   * Where in the config the rule that refused it is written: its key path (for mcpAuthorization,
   * the rule, or the policy when no allow rule matched). From the config, not the client.
   */
  rule?: readonly (string | number)[];
  durationMs: number;
  /** Why the request failed, in words for a person. */
  error?: string;
  /** Set when a policy refused it (authentication, authorization, mcpAuthorization). */
  denied?: boolean;
  /** The W3C trace and span ids of its span, when `tracing` sampled it. */
  traceId?: string;
  spanId?: string;
  /** Fields `accessLog.add` computes for it: name → value. */
  fields?: Record<string, AccessLogValue>;
  /** Access-log field names `accessLog.remove` leaves out of the printed line. */
  removed?: readonly string[];
  /** `accessLog.filter` left it out of the access log; the app's own live log still shows it. */
  filteredOut?: true;
}

/** A value an access-log field may hold: lists and maps arrive as their JSON text. */
export type AccessLogValue = string | number | boolean;

/** Something the gateway wants a person to know that is not tied to one request. */
export interface NoticeEvent {
  kind: "notice";
  time: number;
  level: "info" | "warn" | "error";
  /** May span lines (a config error lists its problems one a line). */
  message: string;
  /** Set when the notice comes from one MCP target (its stderr, its exit). */
  target?: string;
  session?: string;
}

/** A target of one session changed state: spawned or connecting, ready, failed, or closed. */
export interface TargetEvent {
  kind: "target";
  time: number;
  target: string;
  session: string;
  state: "starting" | "up" | "failed" | "closed";
  error?: string;
  /** The target's last stderr lines, when it failed. */
  stderrTail?: string[];
}

export type GatewayEvent = RequestEvent | NoticeEvent | TargetEvent;

/**
 * Every string field holds what a client, a token or a target sent, so its size and its
 * characters are theirs to choose. Names and ids are cut at IDENTIFIER_MAX characters; prose
 * (which embeds a target's stderr, a rule, a problem list) at PROSE_MAX.
 */
const IDENTIFIER_MAX = 256;
const PROSE_MAX = 2048;
const PROSE_FIELDS = new Set(["error", "reason", "message"]);

/**
 * The event as the log may hold it: every string field bounded and its control characters
 * escaped (see bounded-text.ts). The event itself when nothing needed changing, as is usual,
 * so that the common case copies nothing.
 */
export function boundEvent<E extends GatewayEvent>(event: E): E {
  let bounded: Record<string, unknown> | undefined;
  for (const key in event) {
    const value: unknown = event[key];
    let safe = value;
    if (typeof value === "string") safe = boundField(event.kind, key, value);
    else if (key === "stderrTail" && Array.isArray(value)) safe = boundTail(value as string[]);
    else if (key === "fields") safe = boundFields(value as Record<string, AccessLogValue>);
    if (safe !== value) (bounded ??= { ...event })[key] = safe;
  }
  return (bounded as E | undefined) ?? event;
}

function boundField(kind: GatewayEvent["kind"], key: string, value: string): string {
  if (!PROSE_FIELDS.has(key)) return boundText(value, IDENTIFIER_MAX);
  return kind === "notice" ? boundLines(value, PROSE_MAX) : boundText(value, PROSE_MAX);
}

/**
 * Access-log fields hold what CEL computed from the request (a header, a claim), so their
 * strings are bounded like prose. The same object when every value was safe already.
 */
function boundFields(fields: Record<string, AccessLogValue>): Record<string, AccessLogValue> {
  let bounded: Record<string, AccessLogValue> | undefined;
  for (const name in fields) {
    const value = fields[name] as AccessLogValue;
    if (typeof value !== "string") continue;
    const safe = boundText(value, PROSE_MAX);
    if (safe !== value) (bounded ??= { ...fields })[name] = safe;
  }
  return bounded ?? fields;
}

/** The same array when every line was safe already. */
function boundTail(lines: string[]): string[] {
  const bounded = lines.map((line) => boundText(line, PROSE_MAX));
  return bounded.every((line, i) => line === lines[i]) ? lines : bounded;
}
