#!/usr/bin/env node
// The MCP server behind every system under test: one `echo` tool that answers at once, so
// the benchmark measures the relay in front of it rather than the work behind it.
//
//   node bench/echo-server.js stdio [--tool NAME] [--tally FILE]
//   node bench/echo-server.js http --port N [--tool NAME]
//
// --tally appends this process's id to FILE as it starts, so that the bench can count the
// echo servers a system spawned, short-lived ones too (the RSS sampler may not see those).
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  isInitializeRequest,
} from "@modelcontextprotocol/sdk/types.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string" },
    tool: { type: "string", default: "echo" },
    tally: { type: "string" },
  },
});
// One short append (O_APPEND): lines of servers that start together do not interleave.
if (values.tally) appendFileSync(values.tally, `${process.pid}\n`);

const ECHO_TOOL = {
  name: values.tool,
  description: "Returns the given text unchanged.",
  inputSchema: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
  },
};

/** A fresh low-level server: the SDK binds one Server to exactly one transport. */
function createEchoServer() {
  const server = new Server(
    { name: "bench-echo", version: "1.0.0" },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [ECHO_TOOL] }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (request.params.name !== ECHO_TOOL.name) {
      return {
        isError: true,
        content: [{ type: "text", text: `unknown tool ${request.params.name}` }],
      };
    }
    return { content: [{ type: "text", text: String(request.params.arguments?.text ?? "") }] };
  });
  return server;
}

async function serveStdio() {
  await createEchoServer().connect(new StdioServerTransport());
}

/**
 * Stateful Streamable HTTP on 127.0.0.1:port/mcp, one transport (and server) per session.
 * @param {number} port
 */
function serveHttp(port) {
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();

  /** @param {import("node:http").IncomingMessage} req @param {any} body */
  async function transportFor(req, body) {
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") return sessions.get(sessionId);
    if (req.method !== "POST" || !isInitializeRequest(body)) return undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createEchoServer().connect(transport);
    return transport;
  }

  const httpServer = createServer(async (req, res) => {
    try {
      if (new URL(req.url ?? "/", "http://127.0.0.1").pathname !== "/mcp") {
        res.writeHead(404).end();
        return;
      }
      const body = req.method === "POST" ? await readJson(req) : undefined;
      const transport = await transportFor(req, body);
      if (!transport) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: null,
            error: { code: -32001, message: "Session not found" },
          }),
        );
        return;
      }
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  httpServer.listen(port, "127.0.0.1", () => {
    process.stderr.write(`listening on http://127.0.0.1:${port}/mcp\n`);
  });
}

/** @param {import("node:http").IncomingMessage} req */
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const mode = positionals[0];
if (mode === "stdio") {
  await serveStdio();
} else if (mode === "http" && values.port) {
  serveHttp(Number(values.port));
} else {
  process.stderr.write(
    "usage: echo-server.js stdio | http --port N, then [--tool NAME] [--tally FILE]\n",
  );
  process.exit(2);
}
