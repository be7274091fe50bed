import type { IncomingHttpHeaders } from "node:http";
import type { Capabilities } from "./capabilities";
import { ErrorCode, type RpcError, type RpcMessage } from "./jsonrpc";
import { headerMismatch, headerValue } from "./mcp-headers";

/** The stateless revision: every request carries its version and capabilities in `_meta`. */
export const MODERN_VERSION = "2026-07-28";
/** The 2025 revisions, with `initialize` and sessions, newest first. */
export const LEGACY_VERSIONS: readonly string[] = ["2025-11-25", "2025-06-18", "2025-03-26"];
/** The newest 2025 revision: the one the gateway speaks where it opens a session itself. */
export const LATEST_LEGACY_VERSION = LEGACY_VERSIONS[0] as string;
/** Every revision Gatehouse serves on one endpoint, newest first (the 2025 ones in sessions). */
export const SERVED_VERSIONS: readonly string[] = [MODERN_VERSION, ...LEGACY_VERSIONS];

export const META = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
} as const;

/** MCP's log levels, least severe first (RFC 5424's, as the spec takes them). */
export const LOG_LEVELS = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** What a stateless request says about its sender, read once from its `_meta`. */
export interface ModernEnvelope {
  capabilities: Capabilities;
  /** The least severe log level the client wants on this request's stream; none: no logging. */
  logLevel: string | undefined;
}

/** A request the gateway refuses before relaying it: HTTP status and JSON-RPC error. */
export interface EnvelopeProblem {
  status: number;
  error: RpcError;
}

/**
 * Whether a request without a session is a 2026-07-28 one: it says so in its `_meta`, or its
 * `MCP-Protocol-Version` header names a revision that is not older. A 2025 client without a
 * session sends neither, or an older revision: the MCP Inspector opens its session with
 * `2024-11-05` in the header in agentgateway's guides. (A 2026 `initialize` is stateless, and
 * answered 404 as a method that revision removed.)
 */
export function isStateless(headers: IncomingHttpHeaders, message: RpcMessage): boolean {
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  if (meta?.[META.protocolVersion] !== undefined) return true;
  const version = headerValue(headers, "mcp-protocol-version");
  return version !== undefined && !isOlderRevision(version);
}

/** Revisions are dates, so they compare as text; anything else is not an older revision. */
function isOlderRevision(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version < MODERN_VERSION;
}

/**
 * Reads and checks the envelope of a stateless request, in the order the spec gives errors:
 * headers that disagree with the body (-32020), a version the gateway does not serve (-32022),
 * a required `_meta` field missing (-32602). All of them are 400 Bad Request.
 */
export function readEnvelope(
  headers: IncomingHttpHeaders,
  message: RpcMessage,
): ModernEnvelope | EnvelopeProblem {
  const meta = (message.params?._meta ?? {}) as Record<string, unknown>;
  const version = meta[META.protocolVersion];
  const headerVersion = headerValue(headers, "mcp-protocol-version");
  const mismatch =
    headerVersion === undefined
      ? "the MCP-Protocol-Version header is missing"
      : version !== undefined && headerVersion !== version
        ? "the MCP-Protocol-Version header does not match _meta io.modelcontextprotocol/protocolVersion"
        : headerMismatch(headers, message, true);
  if (mismatch) return problem(ErrorCode.HeaderMismatch, `Header mismatch: ${mismatch}`);
  const requested = version ?? headerVersion;
  if (requested !== MODERN_VERSION) {
    return problem(ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", {
      supported: SERVED_VERSIONS,
      requested,
    });
  }
  if (version === undefined) return missing(META.protocolVersion, `"${MODERN_VERSION}"`);
  const capabilities = meta[META.clientCapabilities];
  if (typeof capabilities !== "object" || capabilities === null || Array.isArray(capabilities)) {
    return missing(META.clientCapabilities, "an object of the client's capabilities");
  }
  const logLevel = meta[META.logLevel];
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as string)) {
    return problem(
      ErrorCode.InvalidParams,
      `_meta ${META.logLevel} must be one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return { capabilities: capabilities as Capabilities, logLevel: logLevel as string | undefined };
}

const missing = (key: string, what: string): EnvelopeProblem =>
  problem(ErrorCode.InvalidParams, `_meta ${key} is required: ${what}`);

function problem(code: number, message: string, data?: unknown): EnvelopeProblem {
  return { status: 400, error: { code, message, ...(data !== undefined && { data }) } };
}
