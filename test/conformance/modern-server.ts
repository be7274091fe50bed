import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMcpHandler, InMemoryServerEventBus } from "@modelcontextprotocol/server";
import type { ConformanceServer } from "./conformance-server";
import { fetchListener } from "./modern/fetch-listener";
import { createRoundStateCodec } from "./modern/request-state";
import { modernServerFactory } from "./modern/server-factory";
import { LOOPBACK_HOSTNAMES, rebindingRefusal } from "./server/host-guard";

export interface ModernServerOptions {
  /**
   * Whether 2025 clients are served too (the default): their `initialize` and every request
   * after it, each by a fresh server from the same factory, without a session (the SDK's
   * stateless fallback). `false` makes a 2026-07-28-only server, which answers `initialize`,
   * like any request without the 2026-07-28 `_meta` envelope, with HTTP 400 and the
   * unsupported-protocol-version error (-32022) naming the versions it serves.
   */
  legacy?: boolean;
}

const MCP_PATH = "/mcp";

/**
 * An MCP server over Streamable HTTP that speaks the 2026-07-28 revision: stateless, one SDK
 * v2 server per request, with everything the conformance suite's 2026-07-28 server scenarios
 * address. The 2025 revisions have their own, sessionful target: `startConformanceServer`.
 */
export async function startModernConformanceServer(
  options: ModernServerOptions = {},
): Promise<ConformanceServer> {
  const events = new InMemoryServerEventBus();
  const handler = createMcpHandler(
    modernServerFactory({ events, roundStates: createRoundStateCodec() }),
    { legacy: options.legacy === false ? "reject" : "stateless", bus: events },
  );

  async function serve(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== MCP_PATH) return jsonRpcError(404, "Not found");
    const refusal = rebindingRefusal(Object.fromEntries(request.headers), LOOPBACK_HOSTNAMES);
    if (refusal !== undefined) return jsonRpcError(403, refusal);
    return handler.fetch(request);
  }

  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  httpServer.on("request", fetchListener(origin, serve));

  return {
    url: origin + MCP_PATH,
    async close() {
      // Ends the exchanges still open, subscription streams included, before the sockets go.
      await handler.close();
      await new Promise<void>((resolve, reject) => {
        httpServer.close((error) => (error ? reject(error) : resolve()));
        httpServer.closeAllConnections();
      });
    },
  };
}

/** An HTTP error with a JSON-RPC error body, for requests refused before the MCP handler. */
function jsonRpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status });
}
