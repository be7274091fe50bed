import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { GatewayConfig } from "./model";
import { configSchema, type RawConfig } from "./schema";
import { describeIssue, describeUnknownKey } from "./describe-issue";
import { expandEnvironment } from "./env";
import { normalize } from "./normalize";
import { ConfigError, formatPath, type ConfigProblem } from "./problems";
import { SourceMap } from "./source-map";
import { importForServing } from "./kubernetes/kubernetes-import";
import { looksLikeKubernetesResources } from "./kubernetes/resource-set";

export interface LoadedConfig {
  /** Where the config came from, as error messages name it. */
  file: string;
  text: string;
  /** What loading found worth saying without refusing the config (Kubernetes import notes). */
  warnings: ConfigProblem[];
  /**
   * The value at a key path as written, before `$VAR` expansion: what an export writes where a
   * value comes from the environment (often a secret), rather than the value itself.
   */
  written(path: readonly PropertyKey[]): unknown;
  raw: RawConfig;
  gateway: GatewayConfig;
  /**
   * Turns problems found later, while the gateway compiles the config (CEL rules, key files),
   * into problems located in this file.
   */
  locate(path: readonly PropertyKey[], message: string): ConfigProblem;
}

/**
 * A config file, or a file of Kubernetes resources (agentgateway's, the Gateway API's), which
 * is imported into a config first, its problems then located in the resources.
 */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  if (!looksLikeKubernetesResources(text)) return parseLocalConfig(text, file, env);
  const imported = importForServing(text, file);
  try {
    const loaded = parseLocalConfig(imported.configText, file, env);
    const locate = (path: readonly PropertyKey[], message: string) =>
      imported.relocate(loaded.locate(path, message));
    return { ...loaded, text, warnings: imported.warnings, locate };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map(imported.relocate));
  }
}

/**
 * YAML text → `$VAR` expansion → schema validation → the normalized config. Throws a
 * ConfigError listing every problem, each at its file:line:col.
 */
function parseLocalConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(doc, lines);
  const problems: ConfigProblem[] = [];
  const add = (at: { line: number; col: number }, path: readonly PropertyKey[], message: string) =>
    problems.push({ file, ...at, path: formatPath(path), message });

  for (const error of doc.errors)
    add(map.position(error.pos[0]), [], error.message.split("\n")[0] as string);
  if (problems.length) throw new ConfigError(problems);

  // A value still holding `${VAR}` will also fail the schema; one problem there is enough.
  const unresolved = new Set<string>();
  expandEnvironment(doc, env, (message, path, node) => {
    unresolved.add(formatPath(path));
    add(map.position(node.range?.[0] ?? 0), path, message);
  });
  const parsed = configSchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {}, {
    error: describeIssue,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const message = describeUnknownKey(configSchema, issue.path, key);
          add(map.keyAt(issue.path, key), [...issue.path, key], message);
        }
      } else if (!unresolved.has(formatPath(issue.path))) {
        add(map.at(issue.path), issue.path, issue.message);
      }
    }
  }
  if (problems.length || !parsed.success) throw new ConfigError(problems);

  const gateway = normalize(parsed.data, (path, message) => add(map.at(path), path, message));
  if (problems.length) throw new ConfigError(problems);
  const locate = (path: readonly PropertyKey[], message: string): ConfigProblem => ({
    file,
    ...map.at(path),
    path: formatPath(path),
    message,
  });
  let asWritten: Document | undefined;
  const written = (path: readonly PropertyKey[]) =>
    (asWritten ??= parseDocument(text)).getIn(path as PropertyKey[]);
  return { file, text, warnings: [], written, raw: parsed.data, gateway, locate };
}

export async function loadConfigFile(path: string, env?: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "file not found"
        : (error as Error).message;
    throw new ConfigError([
      { file: path, line: 1, col: 1, path: "", message: `cannot read the config: ${reason}` },
    ]);
  }
  return parseConfig(text, path, env);
}
