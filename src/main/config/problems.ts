/** One thing wrong with a config file, located for the person who has to fix it. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** The key path, e.g. `binds[0].listeners[0].routes[0].policies.cors`. */
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}

/**
 * A config that cannot be used, with every problem found in it (not only the first), in the
 * order they appear in the file so they can be fixed top to bottom.
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
    this.name = "ConfigError";
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`,
    )
    .join("");
}
