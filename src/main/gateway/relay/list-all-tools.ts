import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { LogBus } from "../log-bus";
import { OPEN_ACCESS } from "../policies/caller";
import type { CompiledRoute } from "../runtime";
import type { CallOrigin } from "./client-call";
import { RelaySession, type SessionContext } from "./session";

export interface ListedTool {
  target: string;
  /** The tool's own name at its target, as mcpAuthorization rules see it. */
  name: string;
  /** The name a client sees, prefixed with the target where the route's prefix mode says so. */
  exposed: string;
}

type Result = Record<string, unknown>;

/**
 * Every tool of a route's targets, unfiltered: the gateway opens a session of its own, in
 * process and with open access, so the list is exactly what the relay would merge and expose.
 */
export async function listAllTools(
  route: CompiledRoute,
  context: SessionContext,
): Promise<ListedTool[]> {
  // A bus of its own: the gateway asking itself is not traffic for the log or the target states.
  const quiet = { ...context, bus: new LogBus() };
  const session = new RelaySession(route, quiet, () => undefined);
  const origin: CallOrigin = {
    route: route.name,
    path: "(in process)",
    status: 200,
    access: OPEN_ACCESS,
    mcpAuthorization: undefined,
  };
  const request = async (method: string, params: Result): Promise<Result> => {
    const answer = await session.ask(method, params, origin);
    if (answer.error) throw new Error(answer.error.message);
    return answer.result ?? {};
  };

  try {
    await request("initialize", {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "gatehouse", version: context.gatewayInfo.version },
    });
    session.handle({ jsonrpc: "2.0", method: "notifications/initialized" }, undefined, origin);
    const tools: ListedTool[] = [];
    let cursor: unknown;
    do {
      const page = await request("tools/list", cursor === undefined ? {} : { cursor });
      for (const { name: exposed } of (page.tools ?? []) as { name: string }[]) {
        const resolved = session.resolve("tool", exposed);
        if (resolved) tools.push({ ...resolved, exposed });
      }
      cursor = page.nextCursor;
    } while (typeof cursor === "string");
    return tools;
  } finally {
    await session.close();
  }
}
