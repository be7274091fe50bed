import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestEvent } from "../log-event";
import type { Access } from "../policies/caller";
import type { HeaderEdits } from "../policies/header-edits";
import { mcpAuthorization } from "../policies/mcp-authorization";
import { mcpGuardrails } from "../policies/mcp-guardrails";
import type { RequestWatch } from "../request-watch";
import type { CompiledRoute } from "../runtime";
import type { CallOrigin } from "./client-call";
import { ErrorCode, type RpcId } from "./jsonrpc";
import { paramHeaders } from "./mcp-headers";
import type { RelaySession, SessionContext } from "./session";
import type { SessionOwner, SessionStore } from "./session-store";
import type { StatelessBridge } from "./stateless-bridge";

/** One HTTP request that reached the MCP relay, with what the gateway already decided for it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The URL of the listener the request arrived on: sessions belong to one listener. */
  listener: string;
  path: string;
  /** The raw query string, parsed only by the few endpoints that read it. */
  query: string;
  route: CompiledRoute;
  /** Who is calling and what the route's rules see of the request. */
  access: Access;
  /** Headers every answer carries (CORS, rate limits). */
  headers: Record<string, string>;
  /** When the answer must have begun (`PolicyRequest.deadline`), under the route's timeout. */
  deadline?: number;
  /** What the request's policies set for its HTTP targets (`PolicyRequest.targetHeaders`). */
  targetHeaders?: readonly HeaderEdits[];
  sessions: SessionStore;
  /** Where requests of 2026-07-28 callers, which have no session, are served. */
  stateless: StatelessBridge;
  sessionContext: SessionContext;
  /** Logs the HTTP request itself; used where no JSON-RPC call inside it is logged. */
  report(status: number, fields?: Partial<RequestEvent>): void;
  /** What the policies that watch traffic keep of the request; none when nobody watches it. */
  watch?: RequestWatch;
}

const SESSION_NOT_FOUND =
  "session not found: it expired or was closed, or another route or caller opened it";

/**
 * The owner a session opened by this request gets, and that a request naming a session must
 * match: listener, route and the caller's principal (issuer and subject, so a refreshed token of
 * the same caller keeps its session).
 */
export function sessionOwner(ex: Exchange): SessionOwner {
  const { issuer, subject } = ex.access.caller;
  const principal = issuer === undefined ? "anonymous" : `${issuer}\u0000${subject ?? ""}`;
  return `${ex.listener}\u0000${ex.route.key}\u0000${principal}`;
}

/**
 * The session a request names; answers 404 when it is gone, which tells MCP clients to start
 * anew. A session that belongs to another route, listener or caller gets the very same answer:
 * the request learns nothing about it, not even that it exists.
 */
export function sessionOr404(ex: Exchange, id: string): RelaySession | undefined {
  const session = ex.sessions.get(id, sessionOwner(ex));
  if (!session) rejectExchange(ex, 404, ErrorCode.InvalidRequest, SESSION_NOT_FOUND);
  return session;
}

/** Where the calls of this request come from, as the session sees them. */
export function callOrigin(ex: Exchange, status: number): CallOrigin {
  const { route, access } = ex;
  return {
    route: route.name,
    path: ex.path,
    status,
    access,
    mcpAuthorization: route.find(mcpAuthorization),
    paramHeaders: paramHeaders(ex.req.headers),
    targetHeaders: ex.targetHeaders,
    watch: ex.watch,
    mcpGuardrails: route.find(mcpGuardrails)?.forRequest(ex.req, access),
  };
}

/** An error answer in the JSON-RPC shape MCP clients print, logged with its reason and caller. */
export function rejectExchange(
  ex: Exchange,
  status: number,
  code: number,
  message: string,
  extra: {
    headers?: Record<string, string>;
    log?: Partial<RequestEvent>;
    /** The id of the request refused, where it could be read. */
    id?: RpcId;
    data?: unknown;
  } = {},
): void {
  ex.res.writeHead(status, { ...ex.headers, ...extra.headers, "Content-Type": "application/json" });
  const error = { code, message, ...(extra.data !== undefined && { data: extra.data }) };
  ex.res.end(JSON.stringify({ jsonrpc: "2.0", id: extra.id ?? null, error }));
  const { subject, issuer } = ex.access.caller;
  ex.report(status, { error: message, subject, issuer, ...extra.log });
}
