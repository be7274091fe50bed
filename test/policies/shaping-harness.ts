import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { ListenerSpec, PolicyLayer, RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import { rawRequest } from "../raw-http";
import { connect, INITIALIZE_REQUEST, MCP_POST_HEADERS } from "../relay/harness";

// What the tests of the shaping policies share: a gateway with policies where the config puts
// them, an HTTP MCP target that records what reaches it, and the client's side of both.

export interface ShapingGateway {
  url: string;
  /** The listener's own origin, e.g. http://127.0.0.1:54321. */
  origin: string;
  requests(): RequestEvent[];
  close(): Promise<void>;
}

/** A gateway on a free loopback port with these routes, and policies on its listener. */
export async function startShapingGateway(
  routes: RouteSpec[],
  listenerPolicies?: PolicyLayer[],
): Promise<ShapingGateway> {
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  const listener: ListenerSpec = { name: "test", address: "127.0.0.1", port: 0, routes };
  if (listenerPolicies) listener.policies = listenerPolicies;
  await gateway.apply({ listeners: [listener], sessionIdleMs: 60_000 });
  const origin = gateway.urls[0] as string;
  return {
    url: `${origin}/mcp`,
    origin,
    requests: () => events.filter((e): e is RequestEvent => e.kind === "request"),
    close: () => gateway.close(),
  };
}

/** An HTTP target in the config model, with policies of its own if given. */
export function httpTarget(
  name: string,
  target: HeaderRecordingTarget,
  policies?: RoutePolicies,
): TargetSpec {
  const spec: TargetSpec = { kind: "mcp", name, url: target.url };
  if (policies) {
    spec.policies = { attachment: "target", path: ["targets", name, "policies"], policies };
  }
  return spec;
}

export function backendPolicies(policies: RoutePolicies): PolicyLayer {
  return { attachment: "backend", path: ["backend", "policies"], policies };
}

/** An initialize POSTed by hand, for the headers of its answer. */
export function postInitialize(url: string, headers: Record<string, string> = {}) {
  return rawRequest(url, {
    method: "POST",
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: JSON.stringify(INITIALIZE_REQUEST),
  });
}

/** The tools an SDK client sending these headers is shown. */
export async function toolNames(url: string, headers: Record<string, string> = {}) {
  const client = await connect(url, { headers });
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

/** What the target got: one HTTP request as it arrived. */
export interface ArrivedRequest {
  method: string;
  /** The path and query it was sent to. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Each header as its lines arrived, names as sent: to count repeated headers. */
  rawHeaders: string[];
}

/**
 * A real Streamable HTTP MCP server (the SDK's, without sessions, so at any path) with one tool,
 * `echo`, that records every request it gets, so a test can say what reached the target.
 */
export async function startHeaderRecordingTarget(name = "recorder") {
  const arrived: ArrivedRequest[] = [];
  const server = createServer((req, res) => {
    arrived.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    });
    const mcp = new McpServer({ name, version: "1.0.0" });
    mcp.registerTool("echo", { description: "Answers with its own name." }, () => ({
      content: [{ type: "text", text: `${name} answered` }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    arrived,
    /** The POSTs (JSON-RPC messages) it got; the SDK client's GET stream is refused anyway. */
    posts: () => arrived.filter((request) => request.method === "POST"),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type HeaderRecordingTarget = Awaited<ReturnType<typeof startHeaderRecordingTarget>>;

/** Recording targets a test starts as it needs them, and closes together after it. */
export function headerRecorders() {
  const started: HeaderRecordingTarget[] = [];
  return {
    start: async (name = "recorder") => {
      const target = await startHeaderRecordingTarget(name);
      started.push(target);
      return target;
    },
    closeAll: () => Promise.all(started.splice(0).map((target) => target.close())),
  };
}

/** How many lines of a header a request carried. */
export function linesOf(request: ArrivedRequest, name: string): number {
  let count = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if ((request.rawHeaders[i] as string).toLowerCase() === name) count++;
  }
  return count;
}
