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
  type ReceivedSpan,
} from "./otlp-receiver";
import { startTracedTarget } from "./traced-target";

const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN = "00f067aa0ba902b7";

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Setup {
  gateway: Gateway;
  url: string;
  events: GatewayEvent[];
  target: Awaited<ReturnType<typeof startTracedTarget>>;
  issuer: TestIssuer;
}

/**
 * A real gateway from a config file's text, in front of a real HTTP MCP target, with jwtAuth
 * and an mcpAuthorization that allows `echo` only; `tracing` is the frontend policy under test.
 */
async function start(tracing: string): Promise<Setup> {
  const [target, issuer, port] = await Promise.all([startTracedTarget(), testIssuer(), freePort()]);
  cleanups.push(() => target.close());
  const yaml = `frontendPolicies:
  tracing:
${tracing}
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
  return { gateway, url: `http://127.0.0.1:${port}/mcp`, events, target, issuer };
}

async function connect(setup: Setup, headers: Record<string, string> = {}): Promise<Client> {
  const token = await setup.issuer.sign({ sub: "alice", tenant: "acme" });
  const transport = new StreamableHTTPClientTransport(new URL(setup.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}`, ...headers } },
  });
  const client = new Client({ name: "traced-client", version: "1.0.0" });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

const callSpan = (spans: ReceivedSpan[], tool: string) =>
  spans.find((span) => span.name === "tools/call" && span.attributes["gen_ai.tool.name"] === tool);

const toolCalls = (events: GatewayEvent[]) =>
  events.filter((e): e is RequestEvent => e.kind === "request" && e.method === "tools/call");

async function receiver(kind: "grpc" | "http"): Promise<OtlpReceiver> {
  const started = kind === "grpc" ? await startGrpcReceiver() : await startHttpReceiver();
  cleanups.push(() => started.close());
  return started;
}

describe("frontendPolicies.tracing", () => {
  it("sends a span per HTTP request and a child span per MCP call over OTLP/gRPC, allowed and denied, on shutdown", async () => {
    const otlp = await receiver("grpc");
    const setup = await start(`    host: ${otlp.address}
    randomSampling: true
    attributes:
      tenant: jwt.tenant
    resources:
      service.name: '"gatehouse-test"'`);
    const client = await connect(setup);
    const echoed = await client.callTool({ name: "echo", arguments: { text: "hi" } });
    expect(echoed.content).toEqual([{ type: "text", text: "echo: hi" }]);
    await expect(client.callTool({ name: "secret", arguments: { text: "hi" } })).rejects.toThrow(
      /Unknown tool: secret/,
    );

    // Spans go out in batches; closing the gateway sends what waits.
    await setup.gateway.close();
    await waitFor("both call spans", () => !!callSpan(otlp.spans, "secret"), 10_000);

    const allowed = callSpan(otlp.spans, "echo") as ReceivedSpan;
    expect(allowed.attributes).toMatchObject({
      route: "default",
      "mcp.method.name": "tools/call",
      "mcp.target": "traced",
      "gen_ai.tool.name": "echo",
      "jwt.sub": "alice",
      "jwt.iss": setup.issuer.issuer,
      decision: "allowed",
      tenant: "acme",
    });
    expect(allowed.attributes.reason).toMatch(/allowed by rule 1/);
    expect(allowed.kind).toBe(1);
    expect(allowed.resource["service.name"]).toBe("gatehouse-test");

    const denied = callSpan(otlp.spans, "secret") as ReceivedSpan;
    expect(denied.attributes).toMatchObject({
      "gen_ai.tool.name": "secret",
      "jwt.sub": "alice",
      decision: "denied",
    });
    expect(denied.status.code).toBe(2); // ERROR, with the message the client got
    expect(denied.status.message).toMatch(/Unknown tool: secret/);

    // Each call span is the child of the server span of the POST that carried it.
    const parent = otlp.spans.find((span) => span.spanId === allowed.parentSpanId) as ReceivedSpan;
    expect(parent).toMatchObject({ kind: 2, name: "POST /mcp", traceId: allowed.traceId });
    expect(parent.attributes).toMatchObject({ "http.method": "POST", "http.status": 200 });

    // The log events name the spans, so a person can go from one to the other.
    const [echoEvent, secretEvent] = toolCalls(setup.events);
    expect(echoEvent).toMatchObject({ traceId: allowed.traceId, spanId: allowed.spanId });
    expect(secretEvent).toMatchObject({ denied: true, spanId: denied.spanId });
  });

  it("continues the client's traceparent and passes the call's span to the HTTP target (OTLP/HTTP)", async () => {
    const otlp = await receiver("http");
    const setup = await start(`    host: ${otlp.address}
    protocol: http
    headers:
      x-collector-key: k1`);
    const client = await connect(setup, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await setup.gateway.close();
    await waitFor("the echo span", () => !!callSpan(otlp.spans, "echo"), 10_000);

    expect(otlp.requests[0]).toMatchObject({ path: "/v1/traces" });
    expect(otlp.requests[0]?.headers["x-collector-key"]).toBe("k1");
    const call = callSpan(otlp.spans, "echo") as ReceivedSpan;
    const server = otlp.spans.find((span) => span.spanId === call.parentSpanId) as ReceivedSpan;
    expect(call.traceId).toBe(CLIENT_TRACE);
    expect(server.parentSpanId).toBe(CLIENT_SPAN);

    const atTarget = setup.target.seen.find((seen) => seen.tool === "echo");
    expect(atTarget?.traceparent).toBe(`00-${CLIENT_TRACE}-${call.spanId}-01`);
  });

  it("samples nothing by default: no span, no traceparent to the target, no ids in the log", async () => {
    const otlp = await receiver("http");
    const setup = await start(`    host: ${otlp.address}
    protocol: http`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await setup.gateway.close();
    expect(otlp.spans).toEqual([]);
    expect(setup.target.seen.every((seen) => seen.traceparent === undefined)).toBe(true);
    expect(toolCalls(setup.events)[0]?.traceId).toBeUndefined();
  });

  it("flushes the spans of the replaced config on reload", async () => {
    const otlp = await receiver("grpc");
    const setup = await start(`    host: ${otlp.address}
    randomSampling: "1.0"`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "before reload" } });
    expect(otlp.spans).toEqual([]); // still in the batch, whose delay is 5 s
    const config = setup.gateway.currentRuntime?.config as GatewayConfig;
    await setup.gateway.apply({ ...config, frontendPolicies: undefined });
    await waitFor("the span sent on reload", () => !!callSpan(otlp.spans, "echo"), 10_000);
  });

  it("says once, in the log, that the receiver cannot be reached", async () => {
    const closedPort = await freePort();
    const setup = await start(`    host: 127.0.0.1:${closedPort}
    protocol: http
    randomSampling: true`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await client.callTool({ name: "echo", arguments: { text: "again" } });
    await setup.gateway.close();
    const notices = () =>
      setup.events.filter((e) => e.kind === "notice" && e.message.startsWith("tracing:"));
    await waitFor("the notice", () => notices().length > 0, 40_000);
    expect(notices()).toEqual([
      expect.objectContaining({
        level: "warn",
        message: expect.stringContaining(
          `tracing: could not send spans to http://127.0.0.1:${closedPort}/v1/traces (http)`,
        ),
      }),
    ]);
  }, 60_000); // the exporter tries a few times, backing off, before it gives up

  it("keeps only the spans its filter keeps, and leaves out removed attributes", async () => {
    const otlp = await receiver("grpc");
    const setup = await start(`    host: ${otlp.address}
    randomSampling: true
    filter: 'mcp.tool.name == "secret"'
    remove: [jwt.iss, reason]
    attributes:
      span.name: '"call " + mcp.tool.name'`);
    const client = await connect(setup);
    await client.callTool({ name: "echo", arguments: { text: "hi" } });
    await expect(client.callTool({ name: "secret", arguments: { text: "hi" } })).rejects.toThrow();
    await setup.gateway.close();
    await waitFor("a span", () => otlp.spans.length > 0, 10_000);
    expect(otlp.spans.map((span) => span.name)).toEqual(["call secret"]);
    const [span] = otlp.spans;
    expect(span?.attributes["jwt.iss"]).toBeUndefined();
    expect(span?.attributes.reason).toBeUndefined();
    expect(span?.attributes["jwt.sub"]).toBe("alice");
  });
});
