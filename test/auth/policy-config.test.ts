import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfigFile } from "../../src/main/app/service";
import { ConfigError } from "../../src/main/config/problems";

describe("policies in the config are compiled at load, and their problems point into the file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-policies-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const check = async (yaml: string) => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return { file, result: checkConfigFile(file, { cwd: dir }) };
  };
  const targets = `  targets:
    - name: demo
      stdio: { cmd: node }
`;

  it("a CEL rule that does not compile fails the load at the rule", async () => {
    const { file, result } = await check(`mcp:
  policies:
    mcpAuthorization:
      rules:
        - 'mcp.tool.name == "echo"'
        - 'mcp.tool.name =='
${targets}`);
    const error = (await result.catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      file,
      line: 6,
      col: 11,
      path: "mcp.policies.mcpAuthorization.rules[1]",
    });
  });

  it("a rule that reads what never exists at decision time is a warning, not an error", async () => {
    const { result } = await check(`mcp:
  policies:
    mcpAuthorization:
      rules:
        - 'mcp.tool.result.isError == false'
${targets}`);
    const { warnings } = await result;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ line: 5, path: "mcp.policies.mcpAuthorization.rules[0]" });
    expect(warnings[0]?.message).toContain("mcp.tool.result");
  });

  it("a jwks file that does not exist fails the load at jwks.file, relative to the working directory", async () => {
    const { result } = await check(`mcp:
  policies:
    jwtAuth:
      issuer: me
      jwks:
        file: ./keys/missing.json
${targets}`);
    const error = (await result.catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems[0]).toMatchObject({ line: 6, path: "mcp.policies.jwtAuth.jwks.file" });
    expect(error.problems[0]?.message).toContain("missing.json");
  });
});
