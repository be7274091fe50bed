import { fromJsonSchema, type McpServer } from "@modelcontextprotocol/server";
import { CONTENT_TOOLS } from "../server/content-tools";

/**
 * The fixed-content tools, shared with the 2025 server. `fromJsonSchema` hands their input
 * schemas to `tools/list` as written, which the JSON Schema 2020-12 scenario checks keyword by
 * keyword, and validates the arguments of a call against them.
 */
export function registerContentTools(server: McpServer): void {
  for (const { definition, answer } of CONTENT_TOOLS) {
    server.registerTool(
      definition.name,
      {
        description: definition.description,
        inputSchema: fromJsonSchema<Record<string, unknown>>(definition.inputSchema),
      },
      (args) => answer(args),
    );
  }
}
