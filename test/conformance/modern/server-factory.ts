import {
  McpServer,
  type McpServerFactory,
  type ServerEventBus,
} from "@modelcontextprotocol/server";
import { registerCompletions } from "./completions";
import { registerContentTools } from "./content-tools";
import { registerHeaderParamTool } from "./header-param-tool";
import { INPUT_REQUIRED_TOOLS } from "./input-required-tools";
import { listChangeTools } from "./list-change-tools";
import { registerModernTools } from "./modern-tool";
import { registerPrompts } from "./prompts";
import type { RoundStateCodec } from "./request-state";
import { registerResources } from "./resources";
import { roundStateTools } from "./round-state-tools";
import { STREAMING_TOOLS } from "./streaming-tools";

/** What outlives the per-request server instances: they share it through the factory. */
export interface SharedServerState {
  /** Where list-change tools announce changes, and `subscriptions/listen` streams hear them. */
  events: ServerEventBus;
  /** Mints and checks `requestState`, which must verify on whichever instance gets the retry. */
  roundStates: RoundStateCodec;
}

/**
 * Builds the server of one request: the SDK's HTTP entry makes one per request, since a
 * 2026-07-28 request carries all it needs. It has everything the 2026-07-28 scenarios address,
 * the content that the scenarios of both eras share included.
 */
export function modernServerFactory({ events, roundStates }: SharedServerState): McpServerFactory {
  return () => {
    const server = new McpServer(
      { name: "gatehouse-modern-conformance-server", version: "1.0.0" },
      {
        capabilities: {
          tools: { listChanged: true },
          prompts: { listChanged: true },
          resources: {},
          completions: {},
          logging: {},
        },
        requestState: { verify: roundStates.verify },
      },
    );
    registerContentTools(server);
    registerHeaderParamTool(server);
    registerModernTools(server, [
      ...STREAMING_TOOLS,
      ...INPUT_REQUIRED_TOOLS,
      ...roundStateTools(roundStates),
      ...listChangeTools(events),
    ]);
    registerPrompts(server);
    registerResources(server);
    registerCompletions(server);
    return server;
  };
}
