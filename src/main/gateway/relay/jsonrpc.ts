/**
 * JSON-RPC 2.0 as the relay sees it: one loose structural type, classified by its fields.
 * The relay parses each message once and edits it in place (ids, prefixed names) instead of
 * re-validating it against the full MCP schema; the target validates what it receives.
 */
export type RpcId = string | number;

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface RpcMessage {
  jsonrpc: "2.0";
  id?: RpcId;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: RpcError;
}

/**
 * The largest JSON-RPC message the relay takes, from a client or from a target: MCP messages
 * carrying images or files can be large, and both directions must agree, or an answer the
 * gateway would accept could still be lost on its way back.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** 2026-07-28: the mirrored HTTP headers do not stand for the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: serving the request needs a capability the client did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the request's protocol version is not one the server serves. */
  UnsupportedProtocolVersion: -32022,
} as const;

export const isRequest = (m: RpcMessage): boolean => m.method !== undefined && m.id !== undefined;

export function errorResponse(
  id: RpcId | null,
  code: number,
  message: string,
  data?: unknown,
): RpcMessage {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: "2.0", id: id as RpcId, error };
}

/** A shape check only: enough to route the message, nothing the target would not check again. */
export function isRpcMessage(value: unknown): value is RpcMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return false;
  if (m.method !== undefined && typeof m.method !== "string") return false;
  if (m.params !== undefined && (typeof m.params !== "object" || m.params === null)) return false;
  return m.method !== undefined || m.id !== undefined;
}
