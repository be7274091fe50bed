import { expect } from "vitest";
import { parseConfig } from "../../src/main/config/load";
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
