import { PostReply } from "./client-sink";
import { callOrigin, rejectExchange, sessionOwner, type Exchange } from "./exchange";
import { ErrorCode, isRequest, type RpcMessage } from "./jsonrpc";
import { LEGACY_VERSIONS } from "./modern-envelope";

/** What a route with `statefulMode: stateless` says to a GET or DELETE, which need a session. */
export const NO_SESSIONS = "this route keeps no sessions (statefulMode: stateless)";

/**
 * `statefulMode: stateless`, agentgateway's mode for 2025 callers without sessions: the answer
 * to `initialize` names no session, and every request stands alone. Each POST borrows a bridge
 * session (the same pool that serves 2026-07-28 callers) for as long as its answer takes, so the
 * targets are not started anew for every request. A target's request to the client has no way
 * back in this mode (the client's answer would arrive on a POST of its own), so the bridge
 * session declares no client capabilities and the target is told so.
 */
export async function serveSessionless(
  ex: Exchange,
  messages: RpcMessage[],
  batch: boolean,
): Promise<void> {
  let requests = 0;
  for (const message of messages) if (isRequest(message)) requests++;
  if (requests === 0) {
    // Notifications (initialized, cancelled) concern a session this mode does not keep.
    ex.res.writeHead(202, ex.headers).end();
    ex.report(202, { method: messages[0]?.method });
    return;
  }
  const origin = callOrigin(ex, 200);
  const key = `${sessionOwner(ex)}\u0000sessionless`;
  const { pool } = ex.stateless;
  const lease = pool.leaseIdle(key) ?? (await pool.lease(key, ex.route, {}, origin));
  if ("error" in lease) {
    rejectExchange(ex, 503, ErrorCode.InternalError, lease.error, { id: messages[0]?.id });
    return;
  }
  ex.res.once("close", () => lease.release());
  const reply = new PostReply(ex.res, requests, batch, ex.headers);
  for (const message of messages) {
    if (message.method !== "initialize") {
      lease.session.handle(message, reply, origin);
      continue;
    }
    const requested = (message.params as { protocolVersion?: unknown } | undefined)
      ?.protocolVersion;
    reply.send({
      jsonrpc: "2.0",
      id: message.id,
      result: { ...lease.initialized, protocolVersion: negotiate(requested, lease.initialized) },
    });
    ex.report(200, { method: "initialize" });
  }
}

/**
 * The version to answer: the client's, where the gateway and the targets speak it, else the
 * version the targets settled on (MCP versions are dates: the older one is spoken by both).
 */
function negotiate(requested: unknown, initialized: Record<string, unknown>): unknown {
  const spoken = initialized.protocolVersion;
  if (typeof requested !== "string" || !LEGACY_VERSIONS.includes(requested)) return spoken;
  return typeof spoken === "string" && spoken < requested ? spoken : requested;
}
