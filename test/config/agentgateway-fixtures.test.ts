import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/main/config/load";
import type { McpBackendSpec, RouteSpec } from "../../src/main/config/model";

// Configs from agentgateway's own repository (see SOURCES.md there), loaded unchanged.
const fixtures = new URL("../../../shared/fixtures/agentgateway/", import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(name, fixtures));

/** The policies both fixtures carry, as Gatehouse normalizes them. */
const policies: RouteSpec["policies"] = {
  cors: { allowOrigins: ["*"], allowHeaders: ["*"], exposeHeaders: ["Mcp-Session-Id"] },
  backendAuth: { passthrough: {} },
  jwtAuth: {
    issuer: "agentgateway.dev",
    audiences: ["test.agentgateway.dev"],
    jwks: { file: "./manifests/jwt/pub-key" },
  },
  mcpAuthorization: {
    rules: [
      'mcp.tool.name == "echo"',
      'jwt.sub == "test-user" && mcp.tool.name == "get-sum"',
      'mcp.tool.name == "get-env" && jwt.nested.key == "value"',
    ],
  },
};

const backend: McpBackendSpec = {
  targets: [{ kind: "mcp", name: "mcp2", url: "http://localhost:3001/mcp" }],
  prefixMode: "conditional",
  failureMode: "failClosed",
  statefulMode: "stateful",
};

describe("agentgateway's example configs", () => {
  it("loads the binds form unchanged", async () => {
    const { gateway } = await loadConfigFile(fixture("binds-config.yaml"), {});
    expect(gateway).toEqual({
      listeners: [
        {
          name: "bind/3000",
          address: "127.0.0.1",
          port: 3000,
          routes: [
            {
              name: "route0",
              policiesPath: ["binds", 0, "listeners", 0, "routes", 0, "policies"],
              hostnames: [],
              paths: [],
              policies,
              backend,
            },
          ],
        },
      ],
      sessionIdleMs: 30 * 60_000,
    });
  });

  it("loads the mcp shorthand unchanged, to the same listener, policies and target", async () => {
    const { gateway } = await loadConfigFile(fixture("mcp-shorthand-config.yaml"), {});
    expect(gateway).toEqual({
      listeners: [
        {
          name: "mcp",
          address: "127.0.0.1",
          port: 3000,
          routes: [
            {
              name: "default",
              policiesPath: ["mcp", "policies"],
              hostnames: [],
              paths: [],
              policies,
              backend,
            },
          ],
        },
      ],
      sessionIdleMs: 30 * 60_000,
    });
  });
});
