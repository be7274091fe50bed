import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { LOOPBACK_HOSTNAMES, rebindingRefusal } from "./server/host-guard";
import { InMemoryEventStore } from "./server/in-memory-event-store";
import { createSessionServer } from "./server/session-server";

export interface ConformanceServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** Ends every session and stops the HTTP server; nothing of it stays open. */
  close(): Promise<void>;
}

const MCP_PATH = "/mcp";

/**
 * The reconnection delay the server suggests in the priming event of every SSE stream. Short,
 * because the one stream it ever drops on purpose (test_reconnection) is resumed at once.
 */
const RETRY_INTERVAL_MS = 100;

/**
 * An MCP server over Streamable HTTP that implements everything the MCP conformance suite's
 * server scenarios address, stateful: one transport and one `Server` per session.
 */
export async function startConformanceServer(): Promise<ConformanceServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  // Every server not yet closed, sessions and would-be sessions alike, so close() misses none.
  const openServers = new Set<Server>();

  async function openTransport() {
    const server = createSessionServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore: new InMemoryEventStore(),
      retryInterval: RETRY_INTERVAL_MS,
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, transport),
    });
    // Runs however the session ends: the client's DELETE, or close() below.
    server.onclose = () => {
      openServers.delete(server);
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    openServers.add(server);
    await server.connect(transport);
    return { server, transport };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? "/", "http://unused").pathname !== MCP_PATH) {
      return replyWithError(res, 404, -32000, "Not found");
    }
    const refusal = rebindingRefusal(req.headers, LOOPBACK_HOSTNAMES);
    if (refusal !== undefined) return replyWithError(res, 403, -32000, refusal);

    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const transport = sessions.get(sessionId);
      if (transport === undefined) return replyWithError(res, 404, -32001, "Session not found");
      return transport.handleRequest(req, res);
    }
    // Without a session id only an initialize is valid. A fresh transport judges that, and is
    // dropped at once if the request did not make it a session.
    const { server, transport } = await openTransport();
    await transport.handleRequest(req, res);
    if (transport.sessionId === undefined) await server.close();
  }

  const httpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      replyWithError(res, 500, -32603, error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", resolve);
  });
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    async close() {
      await Promise.all([...openServers].map((server) => server.close()));
      await new Promise<void>((resolve, reject) => {
        httpServer.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open until they time out.
        httpServer.closeAllConnections();
      });
    },
  };
}

function replyWithError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
