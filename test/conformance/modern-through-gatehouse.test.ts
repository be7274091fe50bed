import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODERN_SCENARIOS_2026_07_28 } from "./modern-scenarios";
import { startModernConformanceServer } from "./modern-server";
import { runConformance, type ScenarioResult } from "./run-suite";
import { conformance, runThroughGatehouse, toolsOnly } from "./setups";

const SUITE_TIMEOUT_MS = 6 * 60_000;
const REQUIREMENTS = "2026-07-28";

/**
 * What a user sees of a run, for the scenarios the server passes directly (the tasks extension,
 * which neither implements, fails either way, with other words): each with what failed or
 * warned in it, so that a difference names the scenario and its checks.
 */
const outcome = (results: ScenarioResult[]) =>
  results
    .filter(({ scenario }) => MODERN_SCENARIOS_2026_07_28.includes(scenario))
    .map(({ scenario, failures, warnings }) => ({ scenario, failures, warnings }));

describe("the MCP conformance suite (--requirements 2026-07-28): directly, then through Gatehouse", () => {
  let server: Awaited<ReturnType<typeof startModernConformanceServer>>;
  let direct: ScenarioResult[];

  beforeAll(async () => {
    // 2026-07-28 only: the gateway must speak the new revision to it, there is no fallback.
    server = await startModernConformanceServer({ legacy: false });
    direct = await runConformance(server.url, { requirements: REQUIREMENTS });
  }, SUITE_TIMEOUT_MS);

  it("passes the pinned scenarios directly, the yardstick for the runs through Gatehouse", () => {
    expect(outcome(direct).filter((o) => o.failures.length + o.warnings.length > 0)).toEqual([]);
    expect(outcome(direct)).toHaveLength(MODERN_SCENARIOS_2026_07_28.length);
  });
  afterAll(() => server?.close());

  it(
    "(a) the only target: every scenario comes out as it does directly",
    async () => {
      const through = await runThroughGatehouse([conformance(server.url)], "conditional", {
        requirements: REQUIREMENTS,
      });
      expect(outcome(through)).toEqual(outcome(direct));
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    "(b) beside a 2025 tools-only target, prefixMode never: the same",
    async () => {
      const through = await runThroughGatehouse([conformance(server.url), toolsOnly()], "never", {
        requirements: REQUIREMENTS,
      });
      expect(outcome(through)).toEqual(outcome(direct));
    },
    SUITE_TIMEOUT_MS,
  );

  it(
    "(c) beside that target, prefixed names (checked by the prefix lens): the same",
    async () => {
      const through = await runThroughGatehouse(
        [conformance(server.url), toolsOnly()],
        "conditional",
        { lens: true, requirements: REQUIREMENTS },
      );
      expect(outcome(through)).toEqual(outcome(direct));
    },
    SUITE_TIMEOUT_MS,
  );
});
