import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { CLIENT_REQUEST_TOOLS } from "./client-request-tools";
import type { ConformanceTool } from "./conformance-tool";
import { CONTENT_TOOLS, type ContentTool } from "./content-tools";
import type { SessionLogger } from "./session-logger";
import { STREAMING_TOOLS } from "./streaming-tools";

/** A content tool takes nothing from the session it is called in but its arguments. */
const sessionTool = ({ definition, answer }: ContentTool): ConformanceTool => ({
  definition,
  call: async (call) => answer(call.arguments),
});

const TOOLS: readonly ConformanceTool[] = [
  ...CONTENT_TOOLS.map(sessionTool),
  ...STREAMING_TOOLS,
  ...CLIENT_REQUEST_TOOLS,
];
const TOOLS_BY_NAME = new Map(TOOLS.map((tool) => [tool.definition.name, tool]));

export function registerTools(server: Server, logger: SessionLogger): void {
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.map((tool) => tool.definition),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const tool = TOOLS_BY_NAME.get(request.params.name);
    if (tool === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
    return tool.call({
      arguments: request.params.arguments ?? {},
      extra,
      clientCapabilities: server.getClientCapabilities(),
      logger,
    });
  });
}
