import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

/**
 * The small MCP server behind the default config, so that a fresh install has something real
 * to connect to without a network: `gatehouse demo-server` speaks MCP on stdio. Its tools echo
 * the names in agentgateway's authorization guide, so the documented rules work against it.
 */
export async function runDemoServer(version: string): Promise<void> {
  const server = new McpServer({ name: "gatehouse-demo", version });

  server.registerTool(
    "echo",
    { description: "Returns the message it was given.", inputSchema: { message: z.string() } },
    async ({ message }) => ({ content: [{ type: "text", text: message }] }),
  );
  server.registerTool(
    "get-sum",
    { description: "Adds two numbers.", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({
      content: [{ type: "text", text: `The sum of ${a} and ${b} is ${a + b}.` }],
    }),
  );
  server.registerTool(
    "get-time",
    { description: "Returns the current time of the machine running Gatehouse." },
    async () => ({ content: [{ type: "text", text: new Date().toISOString() }] }),
  );
  server.registerPrompt(
    "greeting",
    { description: "A friendly greeting.", argsSchema: { name: z.string() } },
    ({ name }) => ({
      messages: [{ role: "user", content: { type: "text", text: `Say hello to ${name}.` } }],
    }),
  );
  server.registerResource(
    "about",
    "demo://about",
    { description: "What this server is.", mimeType: "text/plain" },
    async (uri) => ({
      contents: [
        { uri: uri.href, text: "The Gatehouse demo MCP server, started by the default config." },
      ],
    }),
  );

  await server.connect(new StdioServerTransport());
}
