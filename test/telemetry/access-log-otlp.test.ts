import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseConfig } from "../../src/main/config/load";
import type { GatewayConfig } from "../../src/main/config/model";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { freePort, waitFor } from "../relay/harness";
import {
  startGrpcReceiver,
  startHttpReceiver,
  type OtlpReceiver,
  type ReceivedLogRecord,
} from "./otlp-receiver";
import { startTracedTarget } from "./traced-target";

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Setup {
  gateway: Gateway;
  url: string;
  events: GatewayEvent[];
  issuer: TestIssuer;
}

/**
 * A real gateway from a config file's text (`frontendPolicies` as given), in front of a real
 * HTTP MCP target, with jwtAuth and an mcpAuthorization that allows `echo` only.
 */
async function start(frontendPolicies: string): Promise<Setup> {
  const [target, issuer, port] = await Promise.all([startTracedTarget(), testIssuer(), freePort()]);
  cleanups.push(() => target.close());
  const yaml = `frontendPolicies:
${frontendPolicies}
mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: ${issuer.issuer}
      jwks: '${JSON.stringify(issuer.jwks)}'
    mcpAuthorization:
      rules:
        - 'mcp.tool.name == "echo"'
  targets:
    - name: traced
      mcp:
        host: ${target.url}
`;
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const gateway = new Gateway({ bus, version: "test" });
  await gateway.apply(parseConfig(yaml, "config.yaml", {}).gateway);
  cleanups.push(() => gateway.close());
  return { gateway, url: `http://127.0.0.1:${port}/mcp`, events, issuer };
}

async function connect(setup: Setup): Promise<Client> {
  const token = await setup.issuer.sign({ sub: "alice", tenant: "acme" });
  const transport = new StreamableHTTPClientTransport(new URL(setup.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}`, "X-Team": "blue" } },
  });
  const client = new Client({ name: "access-log-otlp-client", version: "1.0.0" });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

async function receiver(kind: "grpc" | "http"): Promise<OtlpReceiver> {
  const started = kind === "grpc" ? await startGrpcReceiver() : await startHttpReceiver();
  cleanups.push(() => started.close());
  return started;
}

const toolRecord = (records: ReceivedLogRecord[], tool: string) =>
  records.find((record) => record.attributes["gen_ai.tool.name"] === tool);

const toolCalls = (events: GatewayEvent[]) =>
  events.filter((e): e is RequestEvent => e.kind === "request" && e.method === "tools/call");

describe("frontendPolicies.accessLog.otlp", () => {
  it("sends each line the filter keeps as a log record over OTLP/gRPC, with its fields and the trace it belongs to", async () => {
    // One collector for traces and logs, as agentgateway's examples/mcp-telemetry/logging has it.
    const otlp = await receiver("grpc");
    const setup = await start(`  tracing:
    host: ${otlp.address}
    randomSampling: true
  accessLog:
    filter: 'mcp.methodName == "tools/call"'
    add:
      tool: mcp.tool.name
      team: request.headers["x-team"]
      token: request.headers["authorization"]
    remove: [http.path]
    otlp:
      host: ${otlp.address}`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await expect(client.callTool({ name: "secret", arguments: { text: "hi" } })).rejects.toThrow(
      /Unknown tool: secret/,
    );

    // Records go out in batches; closing the gateway sends what waits.
    await setup.gateway.close();
    await waitFor("both call records", () => !!toolRecord(otlp.logs, "secret"), 10_000);

    // initialize, tools/list and the notifications are not tool calls: the filter leaves them out.
    expect(otlp.logs).toHaveLength(2);
    const echo = toolRecord(otlp.logs, "echo") as ReceivedLogRecord;
    expect(echo).toMatchObject({ severityNumber: 9, severityText: "INFO", body: "request" });
    expect(echo.attributes).toMatchObject({
      route: "default",
      "http.method": "POST",
      "http.status": 200,
      "jwt.sub": "alice",
      "mcp.method.name": "tools/call",
      "mcp.target": "traced",
      "gen_ai.tool.name": "echo",
      tool: "echo",
      team: "blue",
    });
    expect(echo.attributes).not.toHaveProperty("http.path");
    expect(echo.attributes).not.toHaveProperty("token"); // no field copies the token out
    expect(echo.resource["service.name"]).toBe("gatehouse");

    // The record names the call's span, as the log line does.
    const [echoEvent, secretEvent] = toolCalls(setup.events);
    expect(echoEvent?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(echo).toMatchObject({ traceId: echoEvent?.traceId, spanId: echoEvent?.spanId });
    expect(echo.attributes["trace.id"]).toBe(echoEvent?.traceId);
    expect(otlp.spans.some((span) => span.spanId === echo.spanId)).toBe(true);

    const secret = toolRecord(otlp.logs, "secret") as ReceivedLogRecord;
    expect(secret.attributes).toMatchObject({ "jwt.sub": "alice", tool: "secret" });
    expect(secret.attributes.reason).toBeDefined();
    expect(secret.spanId).toBe(secretEvent?.spanId);
  });

  it("has its own filter and fields over OTLP/HTTP, with headers, and no trace without tracing", async () => {
    const otlp = await receiver("http");
    const setup = await start(`  accessLog:
    filter: 'false'
    add:
      team: request.headers["x-team"]
    otlp:
      host: ${otlp.address}
      protocol: http
      headers:
        x-collector-key: k1
      filter: 'mcp.methodName == "tools/call" && mcp.tool.name == "echo"'
      fields:
        add:
          caller: jwt.sub
          code: response.code
        remove: [mcp.session.id]`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await expect(client.callTool({ name: "secret", arguments: { text: "hi" } })).rejects.toThrow();
    await setup.gateway.close();
    await waitFor("the echo record", () => otlp.logs.length > 0, 10_000);

    expect(otlp.requests[0]).toMatchObject({ path: "/v1/logs" });
    expect(otlp.requests[0]?.headers["x-collector-key"]).toBe("k1");
    expect(otlp.logs).toHaveLength(1);
    const [echo] = otlp.logs as [ReceivedLogRecord];
    expect(echo.attributes).toMatchObject({
      "gen_ai.tool.name": "echo",
      "jwt.sub": "alice",
      "http.path": "/mcp",
      caller: "alice",
      code: 200, // CEL's int stays an int
    });
    // The access log's own fields are not the records': they have theirs.
    expect(echo.attributes).not.toHaveProperty("team");
    expect(echo.attributes).not.toHaveProperty("mcp.session.id");
    expect(echo).toMatchObject({ traceId: "", spanId: "" });
    expect(echo.attributes).not.toHaveProperty("trace.id");
  });

  it("sends the records of the replaced config on reload", async () => {
    const otlp = await receiver("grpc");
    const setup = await start(`  accessLog:
    otlp:
      host: ${otlp.address}`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "before reload" } });
    const config = setup.gateway.currentRuntime?.config as GatewayConfig;
    // A reload closes the replaced access log, which sends what waits before it is done.
    await setup.gateway.apply({ ...config, frontendPolicies: undefined });
    expect(toolRecord(otlp.logs, "echo")?.attributes["mcp.target"]).toBe("traced");
  });

  it("says once, in the log, that the collector cannot be reached, and does not hold up a close", async () => {
    const closedPort = await freePort();
    const setup = await start(`  accessLog:
    otlp:
      host: 127.0.0.1:${closedPort}
      protocol: http`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await client.callTool({ name: "echo", arguments: { text: "again" } });
    const closing = Date.now();
    await setup.gateway.close();
    expect(Date.now() - closing).toBeLessThan(20_000);
    const notices = () =>
      setup.events.filter((e) => e.kind === "notice" && e.message.startsWith("accessLog:"));
    await waitFor("the notice", () => notices().length > 0, 40_000);
    expect(notices()).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringContaining(
          `accessLog: could not send log records to http://127.0.0.1:${closedPort}/v1/logs (http)`,
        ),
      }),
    ]);
  }, 60_000); // the exporter tries a few times, backing off, before it gives up
});
