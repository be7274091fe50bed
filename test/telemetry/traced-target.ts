import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** What the target saw of one POST: its JSON-RPC method and the trace context it came with. */
export interface SeenRequest {
  method: string | undefined;
  tool: string | undefined;
  traceparent: string | undefined;
}

/**
 * A real Streamable HTTP MCP server (the SDK's, stateless) with two tools, `echo` and
 * `secret`, that notes the `traceparent` each POST carried.
 */
export async function startTracedTarget() {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    void readJson(req).then(async (body) => {
      const message = body as { method?: string; params?: { name?: string } } | undefined;
      if (req.method === "POST") {
        seen.push({
          method: message?.method,
          tool: message?.params?.name,
          traceparent: [req.headers.traceparent].flat()[0],
        });
      }
      const mcp = new McpServer({ name: "traced", version: "1.0.0" });
      for (const tool of ["echo", "secret"]) {
        mcp.registerTool(tool, { inputSchema: { text: z.string() } }, ({ text }) => ({
          content: [{ type: "text", text: `${tool}: ${text}` }],
        }));
      }
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => void transport.close());
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}
