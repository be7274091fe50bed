import { expect } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig, type LoadedConfig } from "../../src/main/config/load";
import { ConfigError, type ConfigProblem } from "../../src/main/config/problems";

/** The problems a config reports, as the user reads them: `file:line:col: path: message`. */
export function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  return configErrorOf(() => parseConfig(yaml, "config.yaml", env)).message.split("\n");
}

/** The structured problems, for assertions on one field. */
export function problemListOf(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  return configErrorOf(() => parseConfig(yaml, "config.yaml", env)).problems;
}

function configErrorOf(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected the config to be rejected, but it loaded");
}

/** Loads and compiles a config, as a start would; throws the ConfigError a start reports. */
export async function loadCompiled(yaml: string, cwd: string): Promise<LoadedConfig> {
  const loaded = parseConfig(yaml, "config.yaml", {});
  await withCompiledConfig(loaded, { cwd }, async () => undefined);
  return loaded;
}

/** The problems loading and compiling a config finds, schema and policies alike. */
export function compiledProblemListOf(yaml: string, cwd: string): Promise<ConfigProblem[]> {
  return loadCompiled(yaml, cwd).then(
    () => expect.fail("expected the config to be refused"),
    (error: unknown) => {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    },
  );
}
