import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type ServerContext,
} from "@modelcontextprotocol/server";

/**
 * What the client declared it can do, in this request's `_meta` envelope: on 2026-07-28 every
 * request says it anew. The SDK has validated the envelope before any handler runs; it is read
 * by key because the SDK's published typings flatten the envelope's type to `{}`.
 */
export function declaredCapabilities(ctx: ServerContext): ClientCapabilities {
  const envelope: Record<string, unknown> = ctx.mcpReq.envelope ?? {};
  return (envelope[CLIENT_CAPABILITIES_META_KEY] ?? {}) as ClientCapabilities;
}
