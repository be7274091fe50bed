import type { McpServer, ToolCallback } from "@modelcontextprotocol/server";

/**
 * A tool of the 2026-07-28 scenarios: none takes arguments, so each is its name, what
 * `tools/list` says of it and what a call does, registered the same way.
 */
export interface ModernTool {
  name: string;
  description: string;
  call: ToolCallback;
}

export function registerModernTools(server: McpServer, tools: readonly ModernTool[]): void {
  for (const { name, description, call } of tools) server.registerTool(name, { description }, call);
}
