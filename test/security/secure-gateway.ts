import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RouteSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import {
  fixture,
  freePort,
  INITIALIZE_REQUEST,
  MCP_POST_HEADERS,
  route,
  stdioTarget,
} from "../relay/harness";

/** A JSON-RPC message as a test sends it: deliberately loose, hostile ones included. */
export type Message = Record<string, unknown>;

export interface SecureGateway {
  gateway: Gateway;
  /** Listener A: `/secure/mcp` (jwtAuth strict, printEnv hidden) and `/open/mcp` (no policy). */
  secure: string;
  open: string;
  /** Listener B, a second port: one open route named like A's, `/mcp`. */
  otherListener: string;
  events: GatewayEvent[];
  requests(): RequestEvent[];
  /** Every message the targets received, in order, from every session. */
  received(): Message[];
  close(): Promise<void>;
}

/** The recording server: every line its stdin received goes to `recordFile`. */
function recordingRoute(name: string, path: string, policies: RoutePolicies, recordFile: string) {
  const target = stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]);
  target.env = { RECORD_FILE: recordFile };
  const spec: RouteSpec = route(
    { targets: [target] },
    { name, policies, policiesPath: ["routes", path, "policies"] },
  );
  if (path) spec.paths = [{ kind: "prefix", value: path }];
  return spec;
}

/**
 * The layout the attacks of issue 8 were seen on: on one listener a strict route, whose jwtAuth
 * trusts the tokens of `trusted` (a TestIssuer, or any issuer and JWKS), and an open one; on a
 * second listener another open route.
 */
export async function startSecureGateway(
  trusted: { issuer: string; jwks: { keys: unknown[] }; audiences?: string[] },
  extra: RoutePolicies = {},
): Promise<SecureGateway> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-security-"));
  const recordFile = join(dir, "received.jsonl");
  const strict: RoutePolicies = {
    jwtAuth: {
      mode: "strict",
      issuer: trusted.issuer,
      audiences: trusted.audiences,
      jwks: JSON.stringify(trusted.jwks),
    },
    mcpAuthorization: { rules: ['mcp.tool.name != "printEnv"'] },
  };
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply({
    listeners: [
      {
        name: "a",
        address: "127.0.0.1",
        port: await freePort(),
        routes: [
          recordingRoute("secure", "/secure", { ...strict, ...extra }, recordFile),
          // The same name as the strict route: route names need not be unique (agentgateway's
          // default names repeat across listeners of a bind), so a name is no identity.
          recordingRoute("secure", "/open", extra, recordFile),
        ],
      },
      {
        name: "b",
        address: "127.0.0.1",
        port: await freePort(),
        routes: [recordingRoute("open", "", extra, recordFile)],
      },
    ],
    sessionIdleMs: 60_000,
  });
  const [a, b] = gateway.urls;
  return {
    gateway,
    secure: `${a}/secure/mcp`,
    open: `${a}/open/mcp`,
    otherListener: `${b}/mcp`,
    events,
    requests: () => events.filter((e): e is RequestEvent => e.kind === "request"),
    received: () => readRecord(recordFile),
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the recording server wrote to its RECORD_FILE: every message it received, in order. */
export function readRecord(file: string): Message[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Message);
}

export const bearer = (token: string | undefined): Record<string, string> =>
  token ? { Authorization: `Bearer ${token}` } : {};

/** Opens a Streamable HTTP session by hand and sends `initialized`; returns its id. */
export async function openSession(url: string, token?: string): Promise<string> {
  const answer = await postMessage(url, undefined, token, INITIALIZE_REQUEST);
  const id = answer.headers.get("mcp-session-id");
  if (answer.status !== 200 || !id) {
    throw new Error(`initialize failed: ${answer.status} ${await answer.text()}`);
  }
  await answer.text();
  const initialized = { jsonrpc: "2.0", method: "notifications/initialized" };
  await (await postMessage(url, id, token, initialized)).text();
  return id;
}

/** One POST of a message (or a batch) on a session, as a client without an SDK sends it. */
export function postMessage(
  url: string,
  sessionId: string | undefined,
  token: string | undefined,
  body: Message | Message[],
  extra: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      ...MCP_POST_HEADERS,
      ...(sessionId && { "Mcp-Session-Id": sessionId }),
      ...bearer(token),
      ...extra.headers,
    },
    body: JSON.stringify(body),
    signal: extra.signal,
  });
}

export const callTool = (id: number, name: string): Message => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: {} },
});

/** Whether any target ever received a call of this tool. */
export const toolReached = (received: Message[], name: string): boolean =>
  received.some(
    (m) => m.method === "tools/call" && (m.params as { name?: unknown } | undefined)?.name === name,
  );
