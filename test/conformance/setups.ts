import type { PrefixMode, TargetSpec } from "../../src/main/config/model";
import { fixture, route, startGateway, stdioTarget } from "../relay/harness";
import { startPrefixLens } from "./prefix-lens";
import { runConformance, type ConformanceRunOptions, type ScenarioResult } from "./run-suite";

export interface Setup {
  key: string;
  /** What the set-up is, for a test name and a table heading. */
  title: string;
  /** The suite through a gateway in this set-up, in front of a conformance server. */
  run(conformanceUrl: string, options?: ConformanceRunOptions): Promise<ScenarioResult[]>;
}

/** The conformance server, as the target the suite's names belong to. */
export const conformance = (url: string): TargetSpec => ({ kind: "mcp", name: "conformance", url });

/** A second target that differs: tools only, no prompts, resources or logging. */
export const toolsOnly = (): TargetSpec =>
  stdioTarget("tools", process.execPath, [fixture("recording-server.mjs")]);

/**
 * Runs the suite through a gateway with these targets. With `lens`, it goes through the
 * prefix lens, which adds and checks the prefixes of the target the suite's names belong to.
 */
export async function runThroughGatehouse(
  targets: TargetSpec[],
  prefixMode: PrefixMode,
  options: { lens?: boolean } & ConformanceRunOptions = {},
): Promise<ScenarioResult[]> {
  const gw = await startGateway([route({ targets, prefixMode })]);
  const others = targets.slice(1).map((target) => target.name);
  const lens = options.lens ? await startPrefixLens(gw.url, "conformance", others) : undefined;
  try {
    const { scenarios, requirements } = options;
    return await runConformance(lens?.url ?? gw.url, { scenarios, requirements });
  } finally {
    await lens?.close();
    await gw.close();
  }
}

/**
 * The three set-ups, each held to the results of the direct run: for the 2025 revisions, and
 * for 2026-07-28 (`requirements`).
 */
export const SETUPS: readonly Setup[] = [
  {
    key: "a",
    title: "the only target",
    run: (url, options) => runThroughGatehouse([conformance(url)], "conditional", options),
  },
  {
    key: "b",
    title: "beside a tools-only target, prefixMode never",
    run: (url, options) => runThroughGatehouse([conformance(url), toolsOnly()], "never", options),
  },
  {
    key: "c",
    title: "beside a tools-only target, prefixed names (checked by the prefix lens)",
    run: (url, options) =>
      runThroughGatehouse([conformance(url), toolsOnly()], "conditional", {
        ...options,
        lens: true,
      }),
  },
];
