import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { checkConfigFile } from "../../src/main/app/service";
import { ConfigError, type ConfigProblem } from "../../src/main/config/problems";

// Config files checked as `gatehouse check` does (schema, then every policy compiled), each
// written to a directory of its own that the test file's run removes.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-shaping-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
export async function check(yaml: string) {
  const file = join(dir, `config-${files++}.yaml`);
  await writeFile(file, yaml);
  return checkConfigFile(file, { cwd: dir, env: {} });
}

/** The problems a config is refused with; fails if it loads. */
export async function problemsOf(yaml: string): Promise<ConfigProblem[]> {
  const error = await check(yaml).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

/** The docs' simplified MCP form around some policies (indented by four spaces). */
export function mcp(policies: string): string {
  return `# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
${policies}
  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`;
}
