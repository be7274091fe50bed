/**
 * Runs Gatehouse's own check on one corpus config, as `gatehouse check <file>` does, and sorts
 * the answer into accepted, refused (with the blocker: the first problem, normalized so that
 * configs refused for the same reason group together), or needing a local file.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseDocument, visit } from "yaml";
import type { checkConfigFile } from "../../src/main/app/service";
import { ConfigError, type ConfigProblem } from "../../src/main/config/problems";
import type { ConfigCase } from "./corpus";

export type Check = typeof checkConfigFile;

export type Outcome = "accepted" | "refused" | "needs a local file or service" | "check failed";

export interface CaseResult {
  source: string;
  group: string;
  outcome: Outcome;
  /** For refused configs: what the first problem says, without the specifics of this config. */
  blocker?: string;
  /** Every problem, as `line:col: key.path: message` in the written config. */
  problems: string[];
  /** What a serving gateway would log above info, such as a JWKS URL that cannot be fetched. */
  warnings: string[];
  /** The environment the config was checked in: a placeholder for each variable it uses. */
  env: Record<string, string>;
}

/**
 * What a user would have exported. The configs use variables for secrets, client ids and
 * audiences (any string will do) and for issuers and URLs, which a user sets to a URL.
 */
export const PLACEHOLDER = "placeholder-value";
export const URL_PLACEHOLDER = "https://placeholder.example";
const HOLDS_A_URL = /(ISSUER|URL|URI|HOST)$/;
/** An Entra issuer names its tenant; Gatehouse checks that it does, as a user's would. */
const ENTRA_ISSUER_PLACEHOLDER =
  "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";

function placeholderFor(variable: string): string {
  if (/^ENTRA_.*ISSUER$/.test(variable)) return ENTRA_ISSUER_PLACEHOLDER;
  return HOLDS_A_URL.test(variable) ? URL_PLACEHOLDER : PLACEHOLDER;
}

/** A check that takes longer than this is reported as failed rather than waited for. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * The compile problems that are about the machine rather than the config: a file the page asks
 * the reader to create, a service (an OpenAPI document's server) the page asks them to start.
 */
const MISSING_FILE =
  /\((ENOENT|ENOTDIR)\)|: file not found$|could not be fetched: (ECONNREFUSED|ENOTFOUND)/;

/** `$VAR`, `${VAR}` and `${VAR:-default}`: the same pattern as src/main/config/env.ts. */
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Lays the case out in a fresh directory under `root` (the config and its files), and checks
 * it there. Whatever Gatehouse does, this returns a result; it throws only when the files
 * cannot be written.
 */
export async function checkCase(item: ConfigCase, root: string, check: Check): Promise<CaseResult> {
  const dir = await mkdtemp(join(root, "case-"));
  for (const [path, bytes] of [...item.files, [item.configPath, item.text] as const]) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
  const file = join(dir, item.configPath);
  const env = Object.fromEntries(
    variablesWithoutDefault(item.text).map((n) => [n, placeholderFor(n)]),
  );
  const result = (outcome: Outcome, rest: Partial<CaseResult> = {}): CaseResult => ({
    source: item.source,
    group: item.group,
    outcome,
    problems: [],
    warnings: [],
    env,
    ...rest,
  });

  const warnings: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const checked = check(file, {
      // Only the placeholders: the runner's own environment must not change the outcome.
      env,
      cwd: dir,
      notice: (level, message) => {
        if (level !== "info") warnings.push(message);
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    });
    const { warnings: configWarnings } = await Promise.race([checked, timeout]);
    return result("accepted", {
      warnings: [...configWarnings.map((w) => describe(w, dir)), ...warnings],
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      return result("check failed", { problems: [(error as Error).message ?? String(error)] });
    }
    const problems = error.problems.map((p) => describe(p, dir));
    // Refused for a reason of the config's own, or only for a file this machine lacks.
    const first = error.problems.find((p) => !MISSING_FILE.test(p.message));
    return first
      ? result("refused", { blocker: blockerOf(first), problems, warnings })
      : result("needs a local file or service", { problems, warnings });
  } finally {
    clearTimeout(timer);
  }
}

/** `12:5: binds[0].listeners[0]: message`, with the temporary directory left out. */
function describe(problem: ConfigProblem, dir: string): string {
  const where = `${problem.line}:${problem.col}: ${problem.path ? `${problem.path}: ` : ""}`;
  return where + problem.message.replaceAll(`${dir}/`, "");
}

/**
 * The environment variables a config's values use without a `:-default`: those a user must
 * have set. A variable with a default is left unset, so the config's own default applies.
 */
export function variablesWithoutDefault(text: string): string[] {
  const names = new Set<string>();
  visit(parseDocument(text), {
    Scalar(key, node) {
      // Keys are never expanded (src/main/config/env.ts skips them), only values.
      if (key === "key" || typeof node.value !== "string") return;
      for (const [, braced, fallback, bare] of node.value.matchAll(VARIABLE)) {
        if (fallback === undefined) names.add((braced ?? bare) as string);
      }
    },
  });
  return [...names].sort();
}

/**
 * The first problem in words shared by every config it blocks: an unknown key with the key
 * and its parent (`unknown key "localRateLimit" under policies`); anything else as the last
 * two keys of its path and the message (`mcp.statefulMode: must be one of "stateful"`), so
 * that the shorthand (`mcp.…`) and the full form (`binds[].listeners[]…`) group together.
 */
export function blockerOf(problem: ConfigProblem): string {
  const keys = problem.path
    .replace(/\[\d+\]/g, "")
    .split(".")
    .filter(Boolean);
  const unknown = /^unknown key "([^"]+)"/.exec(problem.message);
  if (unknown) {
    // The path ends with the unknown key itself; its parent says where it was written.
    const parent = keys.at(-2);
    return `unknown key "${unknown[1]}" ${parent ? `under ${parent}` : "at the top level"}`;
  }
  // A target's name is the one value Gatehouse quotes back in its messages.
  const message = problem.message.replace(/^target "[^"]*"/, "a target");
  return keys.length ? `${keys.slice(-2).join(".")}: ${message}` : message;
}
