import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** One HTTP request the target got. */
export interface Received {
  httpMethod: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** The JSON-RPC message of a POST (the first, for a batch). */
  rpc?: { id?: string | number; method?: string; params?: Record<string, unknown> };
  /** The common name of the client certificate a mutual-TLS client presented. */
  clientCertificate?: string;
}

export interface RecordingTarget {
  /** The MCP endpoint, e.g. http://127.0.0.1:5555/mcp. */
  url: string;
  port: number;
  received: Received[];
  /** The calls of one JSON-RPC method, in order. */
  calls(method: string): Received[];
  /**
   * The next `count` POSTs of `tools/call` are answered with `status` and nothing else, or
   * have their connection closed before any answer (`reset`).
   */
  failNext(count: number, how: number | "reset"): void;
  close(): Promise<void>;
}

/**
 * A Streamable HTTP MCP server without sessions, recording every request. It answers in plain
 * JSON, so that its response headers wait for the answer, except `progressing`, which streams.
 * Its tools: `echo {text}`, `slow {ms}` (answers after ms), and `progressing {ms}` (sends
 * progress every 100ms meanwhile, when the call asked for it).
 */
export async function startRecordingTarget(tls?: ServerOptions): Promise<RecordingTarget> {
  const received: Received[] = [];
  let failures: { count: number; how: number | "reset" } = { count: 0, how: 503 };
  const handle = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const parsed = body ? (JSON.parse(body) as Received["rpc"] | Received["rpc"][]) : undefined;
      const rpc = Array.isArray(parsed) ? parsed[0] : parsed;
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === "function" && socket.getPeerCertificate();
      received.push({
        httpMethod: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        rpc,
        clientCertificate: peer && peer.subject ? String(peer.subject.CN) : undefined,
      });
      if (rpc?.method === "tools/call" && failures.count > 0) {
        failures.count--;
        if (failures.how === "reset") req.socket.destroy();
        else res.writeHead(failures.how, { "Content-Type": "text/plain" }).end("try again");
        return;
      }
      const server = mcpServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        // Plain JSON keeps the headers until the answer, except where progress must stream.
        enableJsonResponse: rpc?.params?.name !== "progressing",
      });
      res.on("close", () => void transport.close());
      void server.connect(transport).then(() => transport.handleRequest(req, res, parsed));
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}/mcp`,
    port,
    received,
    calls: (method) => received.filter((r) => r.rpc?.method === method),
    failNext: (count, how) => (failures = { count, how }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function mcpServer(): McpServer {
  const server = new McpServer({ name: "recording-target", version: "1.0.0" });
  server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  server.registerTool("slow", { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      extra.signal.addEventListener("abort", () => clearTimeout(timer));
    });
    return { content: [{ type: "text", text: `waited ${ms}ms` }] };
  });
  server.registerTool("progressing", { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
    const token = extra._meta?.progressToken;
    for (let done = 0; done < ms; done += 100) {
      if (token !== undefined) {
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress: done, total: ms },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { content: [{ type: "text", text: `progressed ${ms}ms` }] };
  });
  return server;
}
