import { describe, expect, it } from "vitest";
import { loadConfigFile, parseConfig } from "../../src/main/config/load";
import { ConfigError } from "../../src/main/config/problems";
import { problemListOf, problemsOf } from "./expect-problems";

const MCP_KEYS =
  "gateways, port, address, policies, targets, statefulMode, prefixMode, failureMode, dnsRebindingProtection";

describe("config problems, each at file:line:col", () => {
  it("names an unknown key, where it is written, and the keys allowed there", () => {
    const yaml = `mcp:
  port: 3000
  tragets: []
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      `config.yaml:3:3: mcp.tragets: unknown key "tragets" (allowed here: ${MCP_KEYS})`,
    ]);
  });

  it("names an unknown key deep in a target", () => {
    const yaml = `mcp:
  targets:
    - name: files
      stdio:
        cmd: npx
        argz: [server]
`;
    expect(problemListOf(yaml)).toEqual([
      {
        file: "config.yaml",
        line: 6,
        col: 9,
        path: "mcp.targets[0].stdio.argz",
        message: 'unknown key "argz" (allowed here: cmd, args, env, clearEnv)',
      },
    ]);
  });

  it("says what type was expected and what was written", () => {
    const yaml = `mcp:
  port: three-thousand
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:2:9: mcp.port: expected a number, got string "three-thousand"',
    ]);
  });

  it("uses YAML's words for types", () => {
    const yaml = `binds: {port: 3000}
mcp:
  port: 3000.5
  targets: [files]
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:1:8: binds: expected a list, got a map",
      "config.yaml:3:9: mcp.port: expected a whole number, got number 3000.5",
      'config.yaml:4:13: mcp.targets[0]: expected a map, got string "files"',
    ]);
  });

  it("keeps the schema's own message where it has one", () => {
    const yaml = `binds:
  - port: 3000
    listeners:
      - routes:
          - backends: []
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:5:23: binds[0].listeners[0].routes[0].backends: a route has exactly one mcp backend",
    ]);
  });

  it("points at the enclosing map for a missing required key", () => {
    const yaml = `mcp:
  port: 3000
`;
    expect(problemsOf(yaml)).toEqual(["config.yaml:2:3: mcp.targets: is required, but missing"]);
  });

  it("lists the values an enum accepts", () => {
    const yaml = `mcp:
  prefixMode: sometimes
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:2:15: mcp.prefixMode: must be one of "conditional", "always", "never"',
    ]);
  });

  it("wants exactly one kind per target", () => {
    const yaml = `mcp:
  targets:
    - name: both
      stdio: {cmd: npx}
      mcp: {host: "localhost:3001"}
    - name: neither
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:3:7: mcp.targets[0]: target "both" has stdio and mcp: choose one',
      'config.yaml:6:7: mcp.targets[1]: target "neither" needs one of stdio, mcp, sse or openapi',
    ]);
  });

  it("rejects a target name with _, which would make tool names ambiguous", () => {
    const yaml = `mcp:
  targets:
    - name: my_server
      stdio: {cmd: npx}
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:3:13: mcp.targets[0].name: a target name uses lowercase letters, digits, "-" and "." only (no "_" or "+": they join target and tool names)',
    ]);
  });

  it("rejects a port used twice, naming where it was used first", () => {
    const yaml = `binds:
  - port: 3000
    listeners: []
mcp:
  port: 3000
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:5:9: mcp.port: port 3000 is already used by binds[0].port",
    ]);
  });

  it("rejects a target name used twice in one backend", () => {
    const yaml = `mcp:
  targets:
    - name: files
      stdio: {cmd: npx}
    - name: files
      sse: {host: "localhost:3002"}
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:5:13: mcp.targets[1].name: target name "files" is used twice',
    ]);
  });

  it("rejects addresses that are not http URLs", () => {
    const yaml = `mcp:
  targets:
    - name: spaced
      mcp: {host: "http://exa mple:3001"}
    - name: ftp
      mcp: {host: "ftp://example.com/mcp"}
    - name: schemed
      mcp: {host: "http://example.com", port: 3001, path: /mcp}
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:4:19: mcp.targets[0].mcp.host: "http://exa mple:3001" is not a valid URL or host:port',
      'config.yaml:6:19: mcp.targets[1].mcp.host: "ftp://example.com/mcp" must be an http:// or https:// URL',
      'config.yaml:8:19: mcp.targets[2].mcp.host: "http://example.com" is not a valid host name (beside "port" and "path", "host" is the name alone)',
    ]);
  });

  it("wants port and path together", () => {
    const yaml = `mcp:
  targets:
    - name: remote
      mcp: {host: example.com, port: 3001}
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:4:12: mcp.targets[0].mcp: mcp targets take "port" and "path" together, or a full URL in "host" alone',
    ]);
  });

  it("reports a YAML syntax error at its position", () => {
    const yaml = `mcp:
  port: [3000
  targets: []
`;
    expect(problemListOf(yaml)).toMatchObject([{ file: "config.yaml", line: 3, col: 3, path: "" }]);
  });

  it("rejects a key written twice", () => {
    const yaml = `mcp:
  port: 3000
  port: 3001
  targets: []
`;
    expect(problemsOf(yaml)).toEqual(["config.yaml:3:3: Map keys must be unique"]);
  });

  it("needs gateways, binds or mcp", () => {
    expect(problemsOf("")).toEqual([
      'config.yaml:1:1: the config needs "gateways", "binds" or "mcp"',
    ]);
  });

  it("reports every problem in the file, top to bottom", () => {
    const yaml = `config:
  mcp:
    sessionTtl: 5 minutes
mcp:
  port: 70000
  prefixMode: sometimes
  colour: blue
  targets:
    - name: Files
      stdio: {cmd: ""}
    - name: web
      mcp: {host: "localhost:3001", port: 3001}
  policies:
    jwtAuth:
      issuer: me
      mode: strickt
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:3:17: config.mcp.sessionTtl: expected a duration such as "30s", "5m" or "1h30m"',
      "config.yaml:5:9: mcp.port: must be at most 65535",
      'config.yaml:6:15: mcp.prefixMode: must be one of "conditional", "always", "never"',
      `config.yaml:7:3: mcp.colour: unknown key "colour" (allowed here: ${MCP_KEYS})`,
      'config.yaml:9:13: mcp.targets[0].name: a target name uses lowercase letters, digits, "-" and "." only (no "_" or "+": they join target and tool names)',
      "config.yaml:10:20: mcp.targets[0].stdio.cmd: must not be empty",
      'config.yaml:12:12: mcp.targets[1].mcp: mcp targets take "port" and "path" together, or a full URL in "host" alone',
      'config.yaml:15:7: mcp.policies.jwtAuth: jwtAuth needs "jwks" (or a "providers" list)',
      'config.yaml:16:13: mcp.policies.jwtAuth.mode: must be one of "strict", "optional", "permissive"',
    ]);
  });

  it("reports every normalization problem too", () => {
    const yaml = `binds:
  - port: 3000
    listeners: []
  - port: 3000
    listeners: []
mcp:
  port: 3000
  targets:
    - name: a
      stdio: {cmd: npx}
    - name: a
      mcp: {host: "ftp://example.com"}
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:4:11: binds[1].port: port 3000 is already used by binds[0].port",
      "config.yaml:7:9: mcp.port: port 3000 is already used by binds[1].port",
      'config.yaml:11:13: mcp.targets[1].name: target name "a" is used twice',
      'config.yaml:12:19: mcp.targets[1].mcp.host: "ftp://example.com" must be an http:// or https:// URL',
    ]);
  });

  it("names the policy keys it knows when one is misspelled", () => {
    const yaml = `mcp:
  targets: []
  policies:
    mcpAuthentication:
      issuer: https://idp.example.com
      audiences: [mcp]
      resourceMetadata: {}
      provider: {google: {}}
`;
    expect(problemsOf(yaml)).toEqual([
      'config.yaml:8:18: mcp.policies.mcpAuthentication.provider.google: unknown key "google" (allowed here: auth0, keycloak, okta, descope, authentik, entra)',
    ]);
  });

  it("takes one identity provider for mcpAuthentication", () => {
    const config = (provider: string) => `mcp:
  targets: []
  policies:
    mcpAuthentication:
      issuer: https://idp.example.com/realms/mcp
      audiences: [mcp]
      resourceMetadata: {resource: "http://localhost:3000/mcp"}
      provider: ${provider}
`;
    const { gateway } = parseConfig(config("{keycloak: {}}"), "config.yaml", {});
    expect(gateway.listeners[0]?.routes[0]?.policies.mcpAuthentication?.provider).toEqual({
      keycloak: {},
    });
    expect(problemsOf(config("{keycloak: {}, okta: {}}"))).toEqual([
      "config.yaml:8:17: mcp.policies.mcpAuthentication.provider: name one provider: auth0, keycloak, okta, descope, authentik, entra",
    ]);
  });
});

describe("loadConfigFile", () => {
  it("says the file was not found", async () => {
    const error = await loadConfigFile("/nonexistent/gatehouse.yaml").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "/nonexistent/gatehouse.yaml:1:1: cannot read the config: file not found",
    );
  });
});
