import { describe, expect, it } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import { ConfigError, type ConfigProblem } from "../../src/main/config/problems";
import { problemsOf } from "./expect-problems";

const MCP = `mcp:
  port: 3000
  targets:
    - name: everything
      stdio:
        cmd: npx
        args: ["@modelcontextprotocol/server-everything"]
`;

const line = (p: ConfigProblem) => `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`;

/** Loads and compiles a config as a start would: its warnings, located in the file. */
async function warningsOf(yaml: string): Promise<string[]> {
  const loaded = parseConfig(yaml, "config.yaml", {});
  return withCompiledConfig(loaded, {}, async (runtime) =>
    runtime.warnings.map((w) => line(loaded.locate(w.path, w.message))),
  );
}

/** The problems compiling finds, located in the file. */
async function compileProblemsOf(yaml: string): Promise<string[]> {
  const error = await warningsOf(yaml).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.map(line);
}

describe("telemetry as agentgateway's documentation writes it", () => {
  it("examples/mcp-telemetry: frontendPolicies.tracing to an OTLP/gRPC host, random sampling", async () => {
    const yaml = `frontendPolicies:
  tracing:
    host: localhost:4317
    randomSampling: true
binds:
- port: 3000
  listeners:
  - routes:
    - backends:
      - mcp:
          targets:
          - name: everything
            stdio:
              cmd: npx
              args: ["@modelcontextprotocol/server-everything"]
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.frontendPolicies?.policies).toEqual({
      tracing: { host: "localhost:4317", randomSampling: true },
    });
    expect(await warningsOf(yaml)).toEqual([]);
  });

  it("MCP observability: the older config.tracing, as the same policy", async () => {
    const yaml = `config:
  tracing:
    otlpEndpoint: http://localhost:4317
    randomSampling: true
${MCP}`;
    const { frontendPolicies } = parseConfig(yaml, "config.yaml", {}).gateway;
    expect(frontendPolicies?.policies).toEqual({
      tracing: { legacy: { otlpEndpoint: "http://localhost:4317", randomSampling: true } },
    });
    expect(await warningsOf(yaml)).toEqual([]);
  });

  it("dynamic tracing: protocol, a sampling ratio as a string, attributes and resources in CEL", async () => {
    const yaml = `frontendPolicies:
  tracing:
    host: localhost:4317
    protocol: grpc
    randomSampling: "1.0"
    attributes:
      environment: '"production"'
      route: request.path
    resources:
      service.name: '"agentgateway"'
${MCP}`;
    expect(await warningsOf(yaml)).toEqual([]);
  });

  it("MCP observability's access log: the filter and fields compile; what Gatehouse's log lacks is a warning at its field", async () => {
    const yaml = `frontendPolicies:
  accessLog:
    filter: 'mcp.methodName == "tools/call"'
    add:
      tool_args: 'mcp.tool.arguments'
      tool_result: 'mcp.tool.result'
      tool_error: 'mcp.tool.error'
${MCP}`;
    expect(await warningsOf(yaml)).toEqual([
      "config.yaml:5:18: frontendPolicies.accessLog.add.tool_args: mcp.tool.arguments never exists: Gatehouse's log holds a call's tool and target, not its arguments",
      "config.yaml:6:20: frontendPolicies.accessLog.add.tool_result: mcp.tool.result never exists: Gatehouse's log holds a call's outcome, not its result",
      "config.yaml:7:19: frontendPolicies.accessLog.add.tool_error: mcp.tool.error never exists: Gatehouse's log holds a failed call's message as the field `error`",
    ]);
  });

  it("the older config.logging: filter and fields become the access log", () => {
    const yaml = `config:
  logging:
    filter: 'response.code >= 400'
    fields:
      add: { who: jwt.sub }
      remove: [mcp.session.id]
${MCP}`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.frontendPolicies?.policies).toEqual({
      accessLog: {
        legacy: {
          filter: "response.code >= 400",
          fields: { add: { who: "jwt.sub" }, remove: ["mcp.session.id"] },
        },
      },
    });
  });
});

describe("telemetry settings Gatehouse refuses, each where it is written", () => {
  it("an OTLP host with a path, without a port, or not http", async () => {
    const yaml = (host: string) => `frontendPolicies:
  tracing:
    host: ${host}
${MCP}`;
    expect(await compileProblemsOf(yaml("http://localhost:4318/v1/traces"))).toEqual([
      'config.yaml:3:11: frontendPolicies.tracing.host: "http://localhost:4318/v1/traces" must be an address only: the OTLP path goes in "path"',
    ]);
    expect(await compileProblemsOf(yaml("localhost"))).toEqual([
      'config.yaml:3:11: frontendPolicies.tracing.host: "localhost" needs a port, as in localhost:4317',
    ]);
    expect(await compileProblemsOf(yaml("ftp://collector:21"))).toEqual([
      'config.yaml:3:11: frontendPolicies.tracing.host: "ftp://collector:21" must be host:port, or an http:// or https:// URL',
    ]);
  });

  it("a CEL mistake, at the field it is in, in either form", async () => {
    expect(
      await compileProblemsOf(`frontendPolicies:
  accessLog:
    add:
      who: 'jwt.sub +'
${MCP}`),
    ).toEqual([
      "config.yaml:4:12: frontendPolicies.accessLog.add.who: syntax error: unexpected end of expression at 9",
    ]);
    expect(
      await compileProblemsOf(`config:
  tracing:
    otlpEndpoint: http://localhost:4317
    randomSampling: 'request.headers["x-trace"] =='
    fields:
      add:
        who: 'jwt.sub +'
${MCP}`),
    ).toEqual([
      expect.stringMatching(/^config\.yaml:4:21: config\.tracing\.randomSampling: syntax error/),
      expect.stringMatching(/^config\.yaml:7:14: config\.tracing\.fields\.add\.who: syntax error/),
    ]);
  });

  it("the same setting in both forms", () => {
    expect(
      problemsOf(`config:
  tracing:
    otlpEndpoint: http://localhost:4317
frontendPolicies:
  tracing:
    host: localhost:4317
${MCP}`),
    ).toEqual([
      "config.yaml:3:5: config.tracing: config.tracing and frontendPolicies.tracing are the same setting: keep one (frontendPolicies.tracing is the newer form)",
    ]);
  });

  it("examples/mcp-telemetry/logging: access logs exported over OTLP beside traces", async () => {
    const yaml = `frontendPolicies:
  tracing:
    host: localhost:4317
    randomSampling: true
  accessLog:
    otlp:
      host: localhost:4317
binds:
- port: 3000
  listeners:
  - routes:
    - backends:
      - mcp:
          targets:
          - name: everything
            stdio:
              cmd: npx
              args: ["@modelcontextprotocol/server-everything"]
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.frontendPolicies?.policies).toEqual({
      tracing: { host: "localhost:4317", randomSampling: true },
      accessLog: { otlp: { host: "localhost:4317" } },
    });
    expect(await warningsOf(yaml)).toEqual([]);
  });

  it("accessLog.otlp: its own filter and fields compile; a bad host or CEL is reported where it is written", async () => {
    expect(
      await warningsOf(`frontendPolicies:
  accessLog:
    otlp:
      host: http://collector:4318
      protocol: http
      path: /custom/logs
      filter: 'response.code >= 400'
      fields:
        add:
          tool: mcp.tool.name
        remove: [http.path]
${MCP}`),
    ).toEqual([]);
    expect(
      await compileProblemsOf(`frontendPolicies:
  accessLog:
    otlp:
      host: collector
      filter: 'mcp.'
${MCP}`),
    ).toEqual([
      expect.stringMatching(
        /^config\.yaml:4:13: frontendPolicies\.accessLog\.otlp\.host: .*needs a port/,
      ),
      expect.stringMatching(/^config\.yaml:5:15: frontendPolicies\.accessLog\.otlp\.filter: /),
    ]);
  });

  it("keys Gatehouse does not take: an OTLP log backend by reference, a log level, a protocol it does not speak", () => {
    expect(
      problemsOf(`frontendPolicies:
  accessLog:
    otlp:
      backend: otel/collector
${MCP}`),
    ).toEqual([
      expect.stringMatching(/^config\.yaml:4:7: frontendPolicies\.accessLog\.otlp(\.host)?: /),
      expect.stringMatching(/unknown key "backend"/),
    ]);
    expect(
      problemsOf(`config:
  logging:
    level: debug
${MCP}`),
    ).toEqual([
      'config.yaml:3:5: config.logging.level: unknown key "level" (allowed here: filter, fields)',
    ]);
    expect(
      problemsOf(`frontendPolicies:
  tracing:
    host: localhost:4317
    protocol: udp
${MCP}`),
    ).toEqual([
      expect.stringMatching(
        /^config\.yaml:4:15: frontendPolicies\.tracing\.protocol: .*grpc.*http/,
      ),
    ]);
  });

  it("tracing written on a route, where agentgateway does not take it either", () => {
    expect(
      problemsOf(`mcp:
  targets: []
  policies:
    tracing:
      host: localhost:4317
`),
    ).toEqual([
      expect.stringMatching(
        /^config\.yaml:4:5: mcp\.policies\.tracing: unknown key "tracing" \(allowed here: cors, /,
      ),
    ]);
  });
});
