import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { registerCompletions } from "./completions";
import { registerPrompts } from "./prompts";
import { registerResources } from "./resources";
import { SessionLogger } from "./session-logger";
import { registerTools } from "./tools";

/**
 * The MCP server of one session, with every tool, resource and prompt the conformance
 * scenarios address.
 *
 * It is the SDK's low-level `Server`, not `McpServer`: `McpServer` derives input schemas from
 * zod and would rewrite the JSON Schema 2020-12 one the suite checks keyword by keyword, and
 * the scenarios judge exact wire shapes, which are plainest written out as they travel.
 */
export function createSessionServer(): Server {
  const server = new Server(
    { name: "gatehouse-conformance-server", version: "1.0.0" },
    {
      capabilities: {
        tools: {},
        resources: { subscribe: true },
        prompts: {},
        completions: {},
        logging: {},
      },
    },
  );
  registerTools(server, new SessionLogger(server));
  registerResources(server);
  registerPrompts(server);
  registerCompletions(server);
  return server;
}
