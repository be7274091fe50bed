import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import type { RoutePolicies } from "../../src/main/config/schema";
import type { NoticeEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { problemsOf } from "../config/expect-problems";
import {
  connect,
  freePort,
  postInitialize,
  route,
  startGateway,
  textOf,
  type TestGateway,
} from "../relay/harness";
import { startRecordingMcpServer } from "./ext-authz-servers";
import { headerValue, startExtProc, type ExtProcServer } from "./ext-proc-server";

type ExtProc = NonNullable<RoutePolicies["extProc"]>;

let processor: ExtProcServer;
let target: Awaited<ReturnType<typeof startRecordingMcpServer>>;
let gw: TestGateway | undefined;

beforeAll(async () => {
  [processor, target] = await Promise.all([startExtProc(), startRecordingMcpServer()]);
});
afterAll(() => Promise.all([processor.close(), target.close()]));
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  processor.streams.length = 0;
  target.headers.length = 0;
});

function gatewayWith(extProc: ExtProc): Promise<TestGateway> {
  const targets = [{ kind: "mcp" as const, name: "rec", url: target.url }];
  return startGateway([route({ targets }, { policies: { extProc } })]);
}

const lastDenial = (gateway: TestGateway) =>
  gateway.requests().findLast((event) => event.denied) as RequestEvent;

describe("extProc (Envoy's ExternalProcessor/Process, a gRPC stream per request)", () => {
  it("changes the request's headers for the targets, and the answer's for the client", async () => {
    gw = await gatewayWith({ host: processor.address });
    const client = await connect(gw.url, { headers: { "x-secret": "s3cret" } });
    expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
      "x-user: from-extproc",
    );
    await client.close();
    expect(target.headers.length).toBeGreaterThan(0);
    expect(target.headers.every((seen) => seen["x-user"] === "from-extproc")).toBe(true);
    expect(target.headers.some((seen) => seen["x-secret"] !== undefined)).toBe(false);

    const answer = await postInitialize(gw.url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-processed")).toBe("yes");
    expect(await answer.text()).toContain('"protocolVersion"');
  });

  it("sends the request's headers with Envoy's pseudo-headers, then its JSON-RPC body", async () => {
    gw = await gatewayWith({ host: processor.address });
    await (await postInitialize(gw.url)).text();
    const [headers, body, answerHead] = processor.streams.at(-1) ?? [];
    expect(headers?.request).toBe("request_headers");
    expect(headerValue(headers?.request_headers?.headers, ":method")).toBe("POST");
    expect(headerValue(headers?.request_headers?.headers, ":path")).toBe("/mcp");
    expect(headers?.request_headers?.end_of_stream).toBe(false);
    expect(headers?.protocol_config).toMatchObject({
      request_body_mode: "FULL_DUPLEX_STREAMED",
      response_body_mode: "NONE",
    });
    expect(body?.request).toBe("request_body");
    expect(JSON.parse(body?.request_body?.body.toString() ?? "")).toMatchObject({
      method: "initialize",
    });
    expect(body?.request_body?.end_of_stream).toBe(true);
    expect(answerHead?.request).toBe("response_headers");
    expect(headerValue(answerHead?.response_headers?.headers, ":status")).toBe("200");
  });

  it("with requestBodyMode none, sends no body", async () => {
    gw = await gatewayWith({
      host: processor.address,
      processingOptions: { requestBodyMode: "none", responseHeaderMode: "skip" },
    });
    expect((await postInitialize(gw.url)).headers.get("x-processed")).toBeNull();
    expect(processor.streams.at(-1)?.map((message) => message.request)).toEqual([
      "request_headers",
    ]);
  });

  it("an ImmediateResponse answers in place of the targets, logged as a denial", async () => {
    gw = await gatewayWith({ host: processor.address });
    const answer = await postInitialize(gw.url, { "x-extproc": "deny" });
    expect(answer.status).toBe(403);
    expect(answer.headers.get("x-denied-by")).toBe("extproc");
    expect(await answer.text()).toBe("blocked by the processor");
    expect(target.headers).toHaveLength(0);
    expect(lastDenial(gw)).toMatchObject({
      status: 403,
      denied: true,
      reason: "extProc: the processor answered the request in place of the targets (403: marked)",
    });
  });

  it("refuses a processor that changes the JSON-RPC body, rather than relaying half of it", async () => {
    gw = await gatewayWith({ host: processor.address, failureMode: "failOpen" });
    const answer = await postInitialize(gw.url, { "x-extproc": "rewrite-body" });
    expect(answer.status).toBe(500);
    expect(target.headers).toHaveLength(0);
    expect(gw.requests().at(-1)?.error).toBe(
      "extProc: the processor changed the request body, which Gatehouse relays as the client sent it",
    );
  });

  describe("when the processor cannot be reached", () => {
    let closedPort: number;
    beforeAll(async () => {
      closedPort = await freePort();
    });

    it("fails closed by default: 500, and the error in the log", async () => {
      gw = await gatewayWith({ host: `127.0.0.1:${closedPort}` });
      const answer = await postInitialize(gw.url);
      expect(answer.status).toBe(500);
      expect(await answer.text()).toBe("external processing failed");
      expect(gw.requests().at(-1)?.error).toMatch(/^extProc: the processor failed \(/);
      expect(target.headers).toHaveLength(0);
    });

    it("failOpen lets requests pass unchanged, and says so once in the log", async () => {
      gw = await gatewayWith({ host: `127.0.0.1:${closedPort}`, failureMode: "failOpen" });
      const client = await connect(gw.url);
      expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe(
        "x-user: undefined",
      );
      await client.close();
      const warnings = gw.events.filter(
        (event): event is NoticeEvent => event.kind === "notice" && event.level === "warn",
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/requests pass \(failOpen\)/);
    });
  });
});

describe("extProc config", () => {
  const compiles = (yaml: string) =>
    withCompiledConfig(
      parseConfig(yaml, "config.yaml", {}),
      {},
      async (runtime) => runtime.warnings,
    );

  it("takes the docs' processing options example as written", async () => {
    const yaml = `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
gateways:
  default:
    port: 3000
routes:
- backends:
  - mcp:
      targets:
      - name: default
        sse:
          host: mcp.example.com
          port: 8080
          path: /sse
  policies:
    extProc:
      host: "extproc.com:9000"
      failureMode: failClosed
      processingOptions:
        requestHeaderMode: send
        responseHeaderMode: send
        requestBodyMode: bufferedPartial
        responseBodyMode: none
        requestTrailerMode: send
        responseTrailerMode: send
        allowModeOverride: true
`;
    expect(await compiles(yaml)).toEqual([]);
  });

  it("takes the docs' conditional example as written", async () => {
    const yaml = `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
gateways:
  default:
    port: 3000
routes:
- backends:
  - mcp:
      targets:
      - name: default
        sse:
          host: mcp.example.com
          port: 8080
          path: /sse
  policies:
    extProc:
      conditional:
      - condition: 'request.path.startsWith("/upload")'
        host: "extproc.com:9000"
        processingOptions:
          requestBodyMode: buffered
          responseBodyMode: none
      - host: "extproc.com:9000"
        processingOptions:
          requestBodyMode: none
          responseBodyMode: none
`;
    expect(await compiles(yaml)).toEqual([]);
  });

  const mcpConfig = (policy: string) => `mcp:
  port: 3000
  targets:
  - name: everything
    stdio: {cmd: npx, args: ["@modelcontextprotocol/server-everything"]}
  policies:
    extProc:
${policy.replace(/^/gm, "      ")}
`;

  it("refuses what Gatehouse cannot honour, naming it", () => {
    expect(
      problemsOf(
        mcpConfig("host: localhost:9000\nprocessingOptions: {responseBodyMode: buffered}"),
      ),
    ).toEqual([
      expect.stringContaining(
        "mcp.policies.extProc.processingOptions.responseBodyMode: not supported by Gatehouse: answers are not sent to the processor",
      ),
    ]);
    expect(problemsOf(mcpConfig("host: localhost:9000\nmetadataContext: {}"))).toEqual([
      expect.stringContaining(
        "mcp.policies.extProc.metadataContext: not supported by Gatehouse: not implemented yet",
      ),
    ]);
    expect(problemsOf(mcpConfig("failureMode: failOpen"))).toEqual([
      expect.stringContaining("mcp.policies.extProc.host: is required, but missing"),
    ]);
  });
});
