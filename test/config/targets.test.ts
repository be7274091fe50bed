import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";

/** The URL Gatehouse connects to for one http target written in `target`. */
function urlOf(kind: "mcp" | "sse", address: string): string | undefined {
  const yaml = `mcp:
  targets:
    - name: remote
      ${kind}: ${address}
`;
  const target = parseConfig(yaml, "config.yaml", {}).gateway.listeners[0]?.routes[0]?.backend
    .targets[0];
  return target && "url" in target ? target.url : undefined;
}

describe("target addresses, as agentgateway reads them", () => {
  it("reads host:port as http, with the transport's usual path", () => {
    expect(urlOf("mcp", "{host: localhost:3005}")).toBe("http://localhost:3005/mcp");
    expect(urlOf("sse", "{host: localhost:3005}")).toBe("http://localhost:3005/sse");
  });

  it("keeps the path of a full URL", () => {
    expect(urlOf("mcp", "{host: http://localhost:3001/mcp}")).toBe("http://localhost:3001/mcp");
    expect(urlOf("mcp", "{host: https://mcp.example.com/v1/stream}")).toBe(
      "https://mcp.example.com/v1/stream",
    );
    expect(urlOf("sse", "{host: http://127.0.0.1:8080/events}")).toBe(
      "http://127.0.0.1:8080/events",
    );
  });

  it("adds the usual path to a URL that has none", () => {
    expect(urlOf("mcp", "{host: https://mcp.example.com}")).toBe("https://mcp.example.com/mcp");
    expect(urlOf("sse", "{host: http://localhost:3002/}")).toBe("http://localhost:3002/sse");
  });

  it("joins host, port and path", () => {
    expect(urlOf("mcp", "{host: localhost, port: 3005, path: /api/mcp}")).toBe(
      "http://localhost:3005/api/mcp",
    );
    expect(urlOf("sse", "{host: 10.0.0.7, port: 8080, path: events}")).toBe(
      "http://10.0.0.7:8080/events",
    );
    expect(urlOf("sse", '{host: localhost, port: 8080, path: ""}')).toBe(
      "http://localhost:8080/sse",
    );
  });
});

describe("stdio targets", () => {
  it("defaults args and env, and inherits the gateway's environment", () => {
    const yaml = `mcp:
  targets:
    - name: everything
      stdio:
        cmd: npx
        args: ["@modelcontextprotocol/server-everything"]
    - name: files
      stdio:
        cmd: uvx
        env: {ROOT: /srv}
        clearEnv: true
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.listeners[0]?.routes[0]?.backend).toEqual({
      targets: [
        {
          kind: "stdio",
          name: "everything",
          cmd: "npx",
          args: ["@modelcontextprotocol/server-everything"],
          env: {},
          clearEnv: false,
        },
        {
          kind: "stdio",
          name: "files",
          cmd: "uvx",
          args: [],
          env: { ROOT: "/srv" },
          clearEnv: true,
        },
      ],
      prefixMode: "conditional",
      failureMode: "failClosed",
      statefulMode: "stateful",
    });
  });
});

describe("settings", () => {
  it("reads config.mcp.sessionTtl as the session idle time", () => {
    const yaml = `config:
  mcp:
    sessionTtl: 5m
mcp:
  targets: []
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.sessionIdleMs).toBe(300_000);
  });

  it("reads Go-style compound durations", () => {
    const yaml = `config: {mcp: {sessionTtl: 1h30m15s}}
mcp: {targets: []}
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.sessionIdleMs).toBe(5_415_000);
  });
});

describe("the binds form", () => {
  it("keeps route names, hostnames, path matches, modes and the bind address", () => {
    const yaml = `binds:
  - port: 3100
    address: 0.0.0.0
    listeners:
      - hostname: tools.localhost
        routes:
          - name: tools
            matches:
              - path: {pathPrefix: /mcp}
              - path: {exact: /sse}
            backends:
              - mcp:
                  prefixMode: always
                  failureMode: failOpen
                  targets:
                    - name: remote
                      sse: {host: "localhost:3002"}
`;
    expect(parseConfig(yaml, "config.yaml", {}).gateway.listeners).toEqual([
      {
        name: "bind/3100",
        address: "0.0.0.0",
        port: 3100,
        routes: [
          {
            name: "tools",
            policiesPath: ["binds", 0, "listeners", 0, "routes", 0, "policies"],
            hostnames: ["tools.localhost"],
            paths: [
              { kind: "prefix", value: "/mcp" },
              { kind: "exact", value: "/sse" },
            ],
            policies: {},
            backend: {
              targets: [{ kind: "sse", name: "remote", url: "http://localhost:3002/sse" }],
              prefixMode: "always",
              failureMode: "failOpen",
              statefulMode: "stateful",
            },
          },
        ],
      },
    ]);
  });
});
