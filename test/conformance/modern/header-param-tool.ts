import { fromJsonSchema, type McpServer } from "@modelcontextprotocol/server";
import { textResult } from "../server/conformance-tool";

/**
 * The input schema of test_header_param. `x-mcp-header` is an MCP extension keyword, unknown
 * to the SDK's JSON Schema type, hence a schema of its own rather than an inline literal.
 */
const REGION_ARGUMENT = {
  type: "object",
  properties: {
    region: { type: "string", description: "Any region name", "x-mcp-header": "Region" },
  },
  required: ["region"],
} as const;

/**
 * A tool with an argument that also travels as an HTTP header (`x-mcp-header`, SEP-2243), so a
 * proxy can route on it without parsing the body. The SDK checks the `Mcp-Param-Region` header
 * against the body before the tool runs and refuses a mismatch with -32020.
 */
export function registerHeaderParamTool(server: McpServer): void {
  server.registerTool(
    "test_header_param",
    {
      description: "Echoes its region, which the client also sends in the Mcp-Param-Region header",
      inputSchema: fromJsonSchema<{ region: string }>(REGION_ARGUMENT),
    },
    ({ region }) => textResult(`Region: ${region}`),
  );
}
