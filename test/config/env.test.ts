import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import { problemsOf } from "./expect-problems";

/** The one stdio target of a shorthand config, after expansion. */
function stdioTarget(yaml: string, env: NodeJS.ProcessEnv) {
  return parseConfig(yaml, "config.yaml", env).gateway.listeners[0]?.routes[0]?.backend.targets[0];
}

const withStdio = (cmd: string, args = "[]") => `mcp:
  targets:
    - name: tools
      stdio:
        cmd: ${cmd}
        args: ${args}
`;

describe("environment variables in values", () => {
  it("expands $VAR, ${VAR} and ${VAR:-default}", () => {
    const yaml = withStdio("$TOOL_CMD", '["${TOOL_DIR}/server.js", "--mode=${MODE:-dev}"]');
    expect(stdioTarget(yaml, { TOOL_CMD: "node", TOOL_DIR: "/srv/tools" })).toMatchObject({
      cmd: "node",
      args: ["/srv/tools/server.js", "--mode=dev"],
    });
    expect(stdioTarget(yaml, { TOOL_CMD: "node", TOOL_DIR: "/t", MODE: "prod" })).toMatchObject({
      args: ["/t/server.js", "--mode=prod"],
    });
  });

  it("uses the default of ${VAR:-default} when the variable is empty", () => {
    expect(stdioTarget(withStdio("${TOOL_CMD:-npx}"), { TOOL_CMD: "" })).toMatchObject({
      cmd: "npx",
    });
  });

  it("expands a leading ~ to the home directory", () => {
    expect(stdioTarget(withStdio("~/bin/server"), {})).toMatchObject({
      cmd: `${homedir()}/bin/server`,
    });
  });

  it("turns a plain ${PORT} into a number, as if the number had been written", () => {
    const yaml = `mcp:
  port: \${PORT}
  targets: []
`;
    const { gateway } = parseConfig(yaml, "config.yaml", { PORT: "3100" });
    expect(gateway.listeners[0]?.port).toBe(3100);
  });

  it("keeps a quoted value a string, even when it looks like a number", () => {
    const quoted = withStdio('"${VERSION}"', "[\"${VERSION}\", '$VERSION']");
    expect(stdioTarget(quoted, { VERSION: "42" })).toMatchObject({
      cmd: "42",
      args: ["42", "42"],
    });
    const yaml = `mcp:
  port: "\${PORT}"
  targets: []
`;
    expect(problemsOf(yaml, { PORT: "3100" })).toEqual([
      'config.yaml:2:9: mcp.port: expected a number, got string "3100"',
    ]);
  });

  it("reports a variable that is not set once, where it is used", () => {
    const yaml = `mcp:
  port: \${PORT}
  targets: []
`;
    expect(problemsOf(yaml)).toEqual([
      "config.yaml:2:9: mcp.port: environment variable PORT is not set",
    ]);
  });

  it("tells an empty variable from one that is not set", () => {
    expect(problemsOf(withStdio("$TOOL_CMD"), { TOOL_CMD: "" })).toEqual([
      "config.yaml:5:14: mcp.targets[0].stdio.cmd: environment variable TOOL_CMD is empty",
    ]);
  });

  it("reads $$ as a $ that starts no variable, as agentgateway does", () => {
    const yaml = withStdio("pa$$word", '["$$HOME", "$${HOME}", "cost: 5$$", "$$$HOME"]');
    expect(stdioTarget(yaml, { HOME: "/home/me" })).toMatchObject({
      cmd: "pa$word",
      args: ["$HOME", "${HOME}", "cost: 5$", "$/home/me"],
    });
  });

  it("does not expand keys or comments", () => {
    const yaml = `# $NOT_SET in a comment
mcp:
  targets: []
`;
    expect(() => parseConfig(yaml, "config.yaml", {})).not.toThrow();
  });
});
