import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runNode22Tool } from "../node22-tools/run";

export interface ScenarioResult {
  scenario: string;
  /** No check failed. Warnings (unmet SHOULDs) do not fail a scenario, as in the suite itself. */
  passed: boolean;
  /** `<check id>: <message>` of every failed check. */
  failures: string[];
  /** `<check id>: <message>` of every check that ended in a warning. */
  warnings: string[];
  /** How many checks succeeded: a scenario can pass on fewer, where a feature is optional. */
  successes: number;
}

/** The spec revisions the suite keeps a frozen requirement set for (its `requirements/`). */
export type RequirementSet = "2025-11-25" | "2026-07-28";

export interface ConformanceRunOptions {
  /** Only these scenarios; default: every server scenario of the spec version or requirements. */
  scenarios?: string[];
  /**
   * Runs what this spec revision requires (`--requirements`) in place of every 2025-11-25
   * scenario: the revision's frozen set of server scenarios, at its wire (2026-07-28 is
   * stateless), the ones it runs without scoring included. A result does not say whether its
   * scenario was scored; the set in the suite's `requirements/<revision>.yaml` does.
   */
  requirements?: RequirementSet;
}

/** The suite's own bound on one scenario; a scenario that overruns it fails with `scenario-timeout`. */
const SCENARIO_TIMEOUT_MS = 30_000;
/** The bound on a whole run, in case the suite itself hangs: the run is killed after it. */
const RUN_TIMEOUT_MS = 5 * 60_000;
const SPEC_VERSION = "2025-11-25";
/** How much of a failed check's message a result keeps: wire-schema messages quote whole messages. */
const MESSAGE_LIMIT = 400;
/** How much of the suite's output an error quotes. */
const OUTPUT_TAIL = 4_000;

const ChecksFile = z.array(
  z.object({
    id: z.string(),
    description: z.string(),
    status: z.string(),
    errorMessage: z.string().optional(),
  }),
);

/**
 * Runs the MCP conformance suite's server scenarios against `url` and returns one result per
 * scenario, sorted by name. By default those are the scenarios for spec 2025-11-25, the
 * pending ones too (`--suite all`): the suite leaves them out by default only because its own
 * example server does not pass them yet. `options.requirements` runs a requirement set instead.
 */
export async function runConformance(
  url: string,
  options: ConformanceRunOptions = {},
): Promise<ScenarioResult[]> {
  const outputDir = await mkdtemp(join(tmpdir(), "gatehouse-conformance-"));
  try {
    // The CLI takes one --scenario at a time. One run after another, as the suite itself runs
    // its scenarios, so that none of them competes with another for the server.
    let output = "";
    for (const selection of selections(options)) {
      output = await runSuite([
        "server",
        ...["--url", url, ...selection],
        ...["--timeout", String(SCENARIO_TIMEOUT_MS), "--output-dir", outputDir],
      ]);
    }
    const results = await readResults(outputDir);
    const missing = (options.scenarios ?? []).filter(
      (name) => !results.some((result) => result.scenario === name),
    );
    if (results.length === 0 || missing.length > 0) {
      const which = missing.length > 0 ? ` for ${missing.join(", ")}` : "";
      throw new Error(`The conformance suite wrote no results${which}:\n${output}`);
    }
    return results;
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** The CLI's arguments that choose what each of the run's calls of it runs. */
function selections({ scenarios, requirements }: ConformanceRunOptions): string[][] {
  const wire = ["--spec-version", requirements ?? SPEC_VERSION];
  if (scenarios === undefined) {
    return [requirements ? ["--requirements", requirements] : [...wire, "--suite", "all"]];
  }
  // The CLI refuses --requirements beside --scenario, so a scenario of a requirement set runs
  // alone at the set's wire. --force runs it even where the set runs it without its version
  // claiming it, as for extensions (tasks); outside a set, inapplicable scenarios stay skipped.
  const force = requirements ? ["--force"] : [];
  return scenarios.map((name) => [...wire, ...force, "--scenario", name]);
}

/**
 * Runs the suite's CLI to its end and returns the tail of its output. Its exit code only says
 * whether some check failed, which the results tell in detail, so only a run that cannot have
 * produced results is an error.
 */
async function runSuite(args: string[]): Promise<string> {
  const run = await runNode22Tool("conformance", args, { timeoutMs: RUN_TIMEOUT_MS });
  const output = (run.stdout + run.stderr).slice(-OUTPUT_TAIL);
  if (run.code !== 0 && run.code !== 1) {
    throw new Error(
      `The conformance suite exited with ${run.code} (killed after ${RUN_TIMEOUT_MS} ms?):\n${output}`,
    );
  }
  return output;
}

/**
 * Reads what the suite wrote: one directory per scenario, `server-<scenario>-<ISO time with
 * : and . as ->`, each holding `checks.json`, the scenario's checks in order. A scenario the
 * spec version does not cover gets a directory but no checks.
 */
async function readResults(outputDir: string): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const entry of await readdir(outputDir)) {
    const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/.exec(entry)?.[1];
    const text = await readFile(join(outputDir, entry, "checks.json"), "utf8").catch(() => "");
    if (scenario === undefined || text === "") continue;
    const checks = ChecksFile.parse(JSON.parse(text));
    const summarize = (status: string) =>
      checks
        .filter((check) => check.status === status)
        .map((check) =>
          `${check.id}: ${check.errorMessage ?? check.description}`.slice(0, MESSAGE_LIMIT),
        );
    const failures = summarize("FAILURE");
    results.push({
      scenario,
      passed: failures.length === 0,
      failures,
      warnings: summarize("WARNING"),
      successes: checks.filter((check) => check.status === "SUCCESS").length,
    });
  }
  return results.sort((a, b) => a.scenario.localeCompare(b.scenario));
}
