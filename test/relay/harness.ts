import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { McpBackendSpec, RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";

/** `@modelcontextprotocol/server-everything`, pinned in package.json: the reference MCP server. */
export const EVERYTHING = fileURLToPath(
  new URL(
    "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    import.meta.url,
  ),
);
export const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export type StdioTarget = Extract<TargetSpec, { kind: "stdio" }>;

export function stdioTarget(name: string, cmd: string, args: string[]): StdioTarget {
  return { kind: "stdio", name, cmd, args, env: {}, clearEnv: false };
}

export function everythingStdio(name = "everything"): StdioTarget {
  return stdioTarget(name, process.execPath, [EVERYTHING, "stdio"]);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Whether a process runs. A killed grandchild goes to PID 1, and where PID 1 does not reap
 * (many containers) it stays a zombie: still signalable, yet no longer running.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

/** server-everything as a network server (`streamableHttp` or legacy `sse`), on a free port. */
export async function startEverythingHttp(mode: "streamableHttp" | "sse") {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING, mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor(`server-everything ${mode} to listen`, () => stderr.includes(`port ${port}`));
  return {
    url: `http://127.0.0.1:${port}/${mode === "sse" ? "sse" : "mcp"}`,
    stop: () => void child.kill(),
  };
}

export interface TestGateway {
  gateway: Gateway;
  /** The MCP endpoint, e.g. http://127.0.0.1:54321/mcp. */
  url: string;
  events: GatewayEvent[];
  requests: (method?: string) => RequestEvent[];
  close: () => Promise<void>;
}

export function route(
  backend: Partial<McpBackendSpec> & { targets: TargetSpec[] },
  extra: Partial<RouteSpec> = {},
): RouteSpec {
  return {
    name: "default",
    policiesPath: ["test", "policies"],
    hostnames: [],
    paths: [],
    policies: {},
    backend: {
      prefixMode: "conditional",
      failureMode: "failClosed",
      statefulMode: "stateful",
      ...backend,
    },
    ...extra,
  };
}

/** A gateway on a free loopback port, started from a config object and nothing else. */
export async function startGateway(
  routes: RouteSpec[],
  sessionIdleMs = 60_000,
): Promise<TestGateway> {
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply({
    listeners: [{ name: "test", address: "127.0.0.1", port: 0, routes }],
    sessionIdleMs,
  });
  return {
    gateway,
    url: `${gateway.urls[0]}/mcp`,
    events,
    requests: (method) =>
      events.filter(
        (e): e is RequestEvent =>
          e.kind === "request" && (method === undefined || e.method === method),
      ),
    close: () => gateway.close(),
  };
}

/** An SDK client session through the gateway, over Streamable HTTP or legacy SSE. */
export async function connect(
  url: string,
  options: {
    capabilities?: ClientCapabilities;
    sse?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<Client> {
  const client = new Client(
    { name: "gatehouse-test", version: "1.0.0" },
    { capabilities: options.capabilities ?? {} },
  );
  const requestInit = { headers: options.headers ?? {} };
  const transport = options.sse
    ? new SSEClientTransport(new URL(url), { requestInit })
    : new StreamableHTTPClientTransport(new URL(url), { requestInit });
  await client.connect(transport);
  return client;
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((part) => part.text ?? "").join("");
}

/** The initialize request of a client written by hand, without an SDK. */
export const INITIALIZE_REQUEST = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
} as const;

/** The headers every Streamable HTTP POST of a client carries. */
export const MCP_POST_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
} as const;

/** An initialize sent by hand, as a client without an SDK would (no GET stream follows). */
export function postInitialize(
  url: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...MCP_POST_HEADERS, ...headers },
    body: JSON.stringify(INITIALIZE_REQUEST),
  });
}
