import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfigFile } from "../../src/main/config/load";
import { ConfigError } from "../../src/main/config/problems";

const defaultConfig = fileURLToPath(
  new URL("../../resources/default-config.yaml", import.meta.url),
);

describe("resources/default-config.yaml", () => {
  it("runs the demo server with the node and CLI paths Gatehouse sets, behind the demo's rules", async () => {
    const jwks = '{"keys":[]}';
    const env = {
      GATEHOUSE_NODE: "/usr/bin/node",
      GATEHOUSE_CLI: "/opt/gatehouse/cli.js",
      GATEHOUSE_DEMO_JWKS: jwks,
    };
    const { gateway } = await loadConfigFile(defaultConfig, env);
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
              policies: {
                jwtAuth: {
                  mode: "optional",
                  issuer: "gatehouse.demo",
                  audiences: ["gatehouse"],
                  jwks,
                },
                mcpAuthorization: {
                  rules: ['mcp.tool.name == "echo"', 'jwt.sub == "alice"'],
                },
              },
              backend: {
                targets: [
                  {
                    kind: "stdio",
                    name: "demo",
                    cmd: "/usr/bin/node",
                    args: ["/opt/gatehouse/cli.js", "demo-server"],
                    env: { ELECTRON_RUN_AS_NODE: "1" },
                    clearEnv: false,
                  },
                ],
                prefixMode: "conditional",
                failureMode: "failClosed",
                statefulMode: "stateful",
              },
            },
          ],
        },
      ],
      sessionIdleMs: 30 * 60_000,
    });
  });

  it("says which variable is missing when it runs outside Gatehouse", async () => {
    const error = await loadConfigFile(defaultConfig, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split("\n")).toEqual([
      `${defaultConfig}:17:13: mcp.policies.jwtAuth.jwks: environment variable GATEHOUSE_DEMO_JWKS is not set`,
      `${defaultConfig}:27:14: mcp.targets[0].stdio.cmd: environment variable GATEHOUSE_NODE is not set`,
      `${defaultConfig}:28:16: mcp.targets[0].stdio.args[0]: environment variable GATEHOUSE_CLI is not set`,
    ]);
  });
});
