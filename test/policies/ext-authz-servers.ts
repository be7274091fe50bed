/**
 * The servers the extAuthz tests talk to, each real and on 127.0.0.1: an Envoy-compatible gRPC
 * authorization server (grpc-js, with the protos loaded by @grpc/proto-loader as any Node
 * server would), a plain HTTP authorization server, and a Streamable HTTP MCP server that
 * records the headers it is sent.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  Server as GrpcServer,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

const PROTO_ROOT = fileURLToPath(
  new URL("../../src/main/gateway/policies/ext-authz/proto/", import.meta.url),
);

/** A CheckRequest as proto-loader decodes it (keepCase: Envoy's field names). */
export interface ReceivedCheck {
  attributes: {
    source: { address: { socket_address: { address: string; port_value: number } } };
    destination: { address: { socket_address: { address: string; port_value: number } } };
    request: {
      time: { seconds: number };
      http: {
        id: string;
        method: string;
        path: string;
        host: string;
        scheme: string;
        protocol: string;
        headers: Record<string, string>;
        body: string;
        raw_body: Buffer;
        size: number;
      };
    };
    context_extensions: Record<string, string>;
    metadata_context?: { filter_metadata: Record<string, unknown> };
  };
}

type CheckAnswer = Record<string, unknown> | "hang" | { grpcError: number };

export interface GrpcAuthzServer {
  address: string;
  received: ReceivedCheck[];
  close(): Promise<void>;
}

/**
 * Envoy's Authorization service, deciding by the `x-authz` header of the checked request: the
 * answer is `decide(that header)`, sent as it is.
 */
export async function startGrpcAuthz(
  decide: (verdict: string | undefined) => CheckAnswer,
  /** 127.0.0.1 on a free port, or a `unix:/path` socket. */
  bindTo = "127.0.0.1:0",
): Promise<GrpcAuthzServer> {
  const definition = loadSync("envoy/service/auth/v3/external_auth.proto", {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  const service = (definition["envoy.service.auth.v3.Authorization"] ?? {}) as Parameters<
    GrpcServer["addService"]
  >[0];
  const received: ReceivedCheck[] = [];
  const server = new GrpcServer();
  const implementation: UntypedServiceImplementation = {
    Check(call: ServerUnaryCall<ReceivedCheck, unknown>, callback: sendUnaryData<unknown>) {
      received.push(call.request);
      const answer = decide(call.request.attributes.request.http.headers["x-authz"]);
      if (answer === "hang") return;
      if ("grpcError" in answer) {
        callback({ code: answer.grpcError as status, details: "the test server fails" });
        return;
      }
      callback(null, answer);
    },
  };
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(bindTo, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: bindTo.startsWith("unix:") ? bindTo : `127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

export interface ReceivedHttpCheck {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * An HTTP authorization service in the style of oauth2-proxy's `/auth`: `Bearer good` is alice
 * (200 with `x-auth-request-user`), anything else is 401 with a challenge and a body.
 */
export async function startHttpAuthz(): Promise<HttpServer & { received: ReceivedHttpCheck[] }> {
  const received: ReceivedHttpCheck[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      if (req.headers.authorization === "Bearer good") {
        res.writeHead(200, { "x-auth-request-user": "alice", "x-not-copied": "1" }).end();
      } else {
        res
          .writeHead(401, {
            "www-authenticate": 'Bearer realm="tests"',
            "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
            "content-type": "text/plain",
          })
          .end("sign in first");
      }
    });
  });
  const url = await listen(server);
  return { url, received, close: () => closeServer(server) };
}

/**
 * A Streamable HTTP MCP server without sessions, with one tool, `whoami`, that answers with the
 * `x-user` header its request carried; every request's headers are recorded.
 */
export async function startRecordingMcpServer(): Promise<
  HttpServer & { headers: IncomingHttpHeaders[] }
> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    headers.push(req.headers);
    const mcp = new McpServer({ name: "recording-http", version: "1.0.0" });
    mcp.registerTool("whoami", { description: "Says which x-user header it got." }, () => ({
      content: [{ type: "text", text: `x-user: ${String(req.headers["x-user"])}` }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  const url = await listen(server);
  return { url: `${url}/mcp`, headers, close: () => closeServer(server) };
}

/**
 * Tailscale's local API as the Tailscale integration page calls it, on a Unix socket: `GET
 * /localapi/v0/whois?addr=<ip>` answers the node and user of that address, as JSON. Like
 * tailscaled, it refuses a Host other than `local-tailscaled.sock`.
 */
export async function startUnixWhois(
  socketPath: string,
): Promise<{ received: ReceivedHttpCheck[]; close(): Promise<void> }> {
  const received: ReceivedHttpCheck[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: "" });
    const addr = new URL(req.url ?? "/", "http://x").searchParams.get("addr");
    if (req.headers.host !== "local-tailscaled.sock") {
      res.writeHead(403, { "content-type": "text/plain" }).end("bad Host");
    } else if (addr !== "127.0.0.1") {
      res.writeHead(404, { "content-type": "text/plain" }).end("no match for IP:port");
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          Node: { Name: "laptop.tail1234.ts.net.", ID: 7 },
          UserProfile: { LoginName: "alice@example.com", DisplayName: "Alice" },
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { received, close: () => closeServer(server) };
}
