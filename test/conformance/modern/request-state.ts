import { randomBytes } from "node:crypto";
import {
  createRequestStateCodec,
  type RequestStateCodec,
  type ServerContext,
} from "@modelcontextprotocol/server";

/** What a tool keeps in `requestState` between rounds: that it minted it, and what it learned. */
export interface RoundState {
  tool: string;
  name?: string;
}

export type RoundStateCodec = RequestStateCodec<RoundState>;

/**
 * The SDK's HMAC codec under a key of this server's own. The client can read the state but not
 * change it: the server's `requestState.verify` hook refuses a changed byte with -32602 before
 * any tool runs (SEP-2322 requires servers to integrity-protect state they act on).
 */
export function createRoundStateCodec(): RoundStateCodec {
  return createRequestStateCodec<RoundState>({ key: randomBytes(32) });
}

/** The state this round carries for `tool`; one minted by another tool counts as none. */
export function roundStateFor(ctx: ServerContext, tool: string): RoundState | undefined {
  const state = ctx.mcpReq.requestState<RoundState>();
  return state?.tool === tool ? state : undefined;
}
