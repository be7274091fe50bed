import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { problemsOf } from "./expect-problems";

const BACKEND = `backends:
      - mcp:
          targets:
            - name: time
              stdio: {cmd: uvx}`;

describe("gateways, routes and backends: what only the whole config shows", () => {
  it("rejects a port used twice across gateways, binds and mcp, naming where it was first", () => {
    const yaml = `gateways:
  default:
    port: 3000
  other:
    port: 3000
binds:
  - port: 3000
    listeners: []
mcp:
  port: 3000
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:5:11: gateways.other.port: port 3000 is already used by gateways.default.port",
      "config.yaml:7:11: binds[0].port: port 3000 is already used by gateways.other.port",
      "config.yaml:10:9: mcp.port: port 3000 is already used by binds[0].port",
    ]);
  });

  it("names the gateway or listener a route attaches to when there is none", () => {
    const yaml = `gateways:
  web:
    port: 3000
    listeners:
      - name: public
routes:
  - gateways: [web/public, web/private, api]
    ${BACKEND}
  - ${BACKEND}
mcp:
  gateways: nowhere
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:7:28: routes[0].gateways[1]: gateway "web" has no listener "private"',
      'config.yaml:7:41: routes[0].gateways[2]: gateway "api" is not defined under "gateways"',
      'config.yaml:13:5: routes[1]: a route needs "gateways": there is no gateway "default" to attach to',
      'config.yaml:19:13: mcp.gateways: gateway "nowhere" is not defined under "gateways"',
    ]);
  });

  it("names a backend that is not defined, or not of the kind its user needs", () => {
    const yaml = `gateways:
  default:
    port: 3000
backends:
  - name: api
    host: localhost:8080
    policies:
      mcpAuthorization: {rules: ["true"]}
  - name: tools
    mcp:
      targets:
        - name: a
          mcp: {backend: tools, path: /mcp}
        - name: b
          sse: {backend: missing, path: /sse}
routes:
  - backends:
      - backend: api
  - backends:
      - backend: nothing
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:8:25: backends[0].policies.mcpAuthorization: "mcpAuthorization" does not apply to a host backend: MCP targets connect through it, and only policies of a target\'s connection do',
      'config.yaml:13:26: backends[1].mcp.targets[0].mcp.backend: backend "tools" is an MCP backend: a target names a `host:` backend',
      'config.yaml:15:26: backends[1].mcp.targets[1].sse.backend: backend "missing" is not defined under "backends"',
      'config.yaml:18:18: routes[0].backends[0].backend: backend "api" is a host backend: a route forwards to an MCP backend',
      'config.yaml:20:18: routes[1].backends[0].backend: backend "nothing" is not defined under "backends"',
    ]);
  });

  it("keeps agentgateway's rules for targets: no policies on stdio, none beside a backend, path with a backend", () => {
    const yaml = `mcp:
  targets:
    - name: local
      stdio: {cmd: uvx}
      policies: {backendAuth: {passthrough: {}}}
    - name: named
      mcp: {backend: api}
      policies: {backendAuth: {passthrough: {}}}
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:5:17: mcp.targets[0].policies: a stdio target takes no policies: they are for a connection, and stdio has none",
      "config.yaml:7:12: mcp.targets[1].mcp: path is required when backend is set",
      "config.yaml:8:17: mcp.targets[1].policies: a target that names a backend connects with that backend's policies: write them there",
    ]);
  });

  it("keeps agentgateway's rules for gateways: listeners carry protocol, tls and policies; HTTPS needs tls", () => {
    const yaml = `gateways:
  web:
    port: 3000
    protocol: HTTPS
    cors: {allowOrigins: ["*"]}
    listeners:
      - name: a
        hostname: a.localhost
      - name: a
      - hostname: A.LOCALHOST
  plain:
    port: 3001
    protocol: HTTP
    tls: {cert: c.pem, key: k.pem}
  secure:
    port: 3002
    protocol: HTTPS
  mixed:
    port: 3003
    listeners:
      - tls: {cert: c.pem, key: k.pem}
      - hostname: b.localhost
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:4:15: gateways.web.protocol: with "listeners", protocol, tls and policies are written on each listener',
      'config.yaml:5:11: gateways.web.cors: with "listeners", protocol, tls and policies are written on each listener',
      'config.yaml:9:15: gateways.web.listeners[1].name: listener name "a" is used twice',
      'config.yaml:10:19: gateways.web.listeners[2].hostname: host name "a.localhost" is served by listener "a" already',
      "config.yaml:14:10: gateways.plain.tls: protocol HTTP cannot set tls",
      "config.yaml:17:15: gateways.secure.protocol: protocol HTTPS requires tls",
      "config.yaml:22:9: gateways.mixed.listeners[1]: listeners on port 3003 cannot mix TLS and plaintext",
    ]);
  });

  it("reports a problem of a route on several listeners, or of a shared backend, once", () => {
    const yaml = `gateways:
  default:
    port: 3000
  other:
    port: 3001
backends:
  - name: shared
    mcp:
      targets:
        - name: broken
          mcp: {host: "ftp://example.com"}
routes:
  - gateways: [default, other]
    backends:
      - mcp:
          targets:
            - name: broken
              mcp: {host: "ftp://example.com"}
  - backends: [{backend: shared}]
  - backends: [{backend: shared}]
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:11:23: backends[0].mcp.targets[0].mcp.host: "ftp://example.com" must be an http:// or https:// URL',
      'config.yaml:18:27: routes[0].backends[0].mcp.targets[0].mcp.host: "ftp://example.com" must be an http:// or https:// URL',
    ]);
  });

  it("takes HTTPS on a bind of one listener (agentgateway's mcp-tls example); several need gateways", () => {
    const one = `binds:
  - port: 3000
    listeners:
      - protocol: HTTPS
        tls: {cert: certs/cert.pem, key: certs/key.pem}
        routes: []
`;
    expect(parseConfig(one, "config.yaml", {}).gateway.listeners[0]?.tls).toEqual({
      path: ["binds", 0, "listeners", 0, "tls"],
      certFile: "certs/cert.pem",
      keyFile: "certs/key.pem",
    });
    const several = `binds:
  - port: 3000
    listeners:
      - hostname: a.localhost
        tls: {cert: certs/a.pem, key: certs/a-key.pem}
        routes: []
      - hostname: b.localhost
        protocol: HTTPS
        routes: []
`;
    expect(problemsOf(several)).toEqual([
      'config.yaml:5:14: binds[0].listeners[0].tls: a bind with several listeners serves HTTP in Gatehouse: write them under "gateways", where each listener has its own TLS',
      'config.yaml:8:19: binds[0].listeners[1].protocol: a bind with several listeners serves HTTP in Gatehouse: write them under "gateways", where each listener has its own TLS',
    ]);
  });

  it("refuses mcp.gateways with mcp.port, as agentgateway does", () => {
    const yaml = `gateways:
  default:
    port: 3000
mcp:
  gateways: default
  port: 3001
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:6:9: mcp.port: mcp.gateways cannot be used with mcp.port",
    ]);
  });

  it("gives mcp a listener of its own on port 3000 when there is no gateway default", () => {
    const yaml = `gateways:
  other:
    port: 3100
mcp:
  targets: []
`;
    const { listeners } = parseConfig(yaml, "config.yaml", {}).gateway;
    expect(
      listeners.map(({ name, port, routes }) => ({ name, port, routes: routes.length })),
    ).toEqual([
      { name: "other", port: 3100, routes: 0 },
      { name: "mcp", port: 3000, routes: 1 },
    ]);
    expect(listeners[1]?.routes[0]?.paths).toEqual([]);
  });
});
