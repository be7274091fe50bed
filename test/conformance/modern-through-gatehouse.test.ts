import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODERN_SCENARIOS_2026_07_28 } from "./modern-scenarios";
import { startModernConformanceServer } from "./modern-server";
import { runConformance, type ScenarioResult } from "./run-suite";
import { SETUPS } from "./setups";

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

  for (const setup of SETUPS) {
    it(
      `(${setup.key}) ${setup.title}: every scenario comes out as it does directly`,
      async () => {
        const through = await setup.run(server.url, { requirements: REQUIREMENTS });
        expect(outcome(through)).toEqual(outcome(direct));
      },
      SUITE_TIMEOUT_MS,
    );
  }
});
