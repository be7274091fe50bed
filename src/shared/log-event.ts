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
  /** Why a policy allowed or denied it: the deciding rule, or the failure (never the token). */
  reason?: string;
  durationMs: number;
  /** Why the request failed, in words for a person. */
  error?: string;
  /** Set when a policy refused it (authentication, authorization, mcpAuthorization). */
  denied?: boolean;
}

/** Something the gateway wants a person to know that is not tied to one request. */
export interface NoticeEvent {
  kind: "notice";
  time: number;
  level: "info" | "warn" | "error";
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
