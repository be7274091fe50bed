import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MODERN_SCENARIOS_2026_07_28,
  MODERN_SCENARIOS_NOT_PASSING_2026_07_28,
} from "./modern-scenarios";
import { startModernConformanceServer } from "./modern-server";
import { runConformance, type ScenarioResult } from "./run-suite";

/** A whole requirement-set run on a slow, shared machine: generous. */
const SUITE_TIMEOUT_MS = 6 * 60_000;

/** Passed for real: no check failed or warned, and at least one succeeded (not all skipped). */
const passes = (result: ScenarioResult) =>
  result.passed && result.warnings.length === 0 && result.successes > 0;

/** Both ways the server runs: beside 2025 clients (the default), and 2026-07-28 only. */
const MODES = [
  { mode: "serving 2025 clients too", legacy: true },
  { mode: "2026-07-28 only", legacy: false },
];

describe.each(MODES)(
  "the MCP conformance suite (--requirements 2026-07-28) against the modern server ($mode)",
  ({ legacy }) => {
    let server: Awaited<ReturnType<typeof startModernConformanceServer>>;
    let direct: ScenarioResult[];

    beforeAll(async () => {
      server = await startModernConformanceServer({ legacy });
      direct = await runConformance(server.url, { requirements: "2026-07-28" });
    }, SUITE_TIMEOUT_MS);
    afterAll(() => server?.close());

    it("runs the scenarios pinned in modern-scenarios.ts, no more and no fewer", () => {
      const pinned = [
        ...MODERN_SCENARIOS_2026_07_28,
        ...Object.keys(MODERN_SCENARIOS_NOT_PASSING_2026_07_28),
      ];
      expect(direct.map((result) => result.scenario)).toEqual(
        pinned.sort((a, b) => a.localeCompare(b)),
      );
    });

    it("passes the scenarios pinned as passing, without a warning", () => {
      const pinned = direct.filter(({ scenario }) =>
        MODERN_SCENARIOS_2026_07_28.includes(scenario),
      );
      // The unclean results themselves, so that the diff names every failed check and why.
      expect(pinned.filter((result) => !passes(result))).toEqual([]);
    });

    it("does not pass the scenarios pinned as not passing (a pass there is news: pin it)", () => {
      const notPassing = Object.keys(MODERN_SCENARIOS_NOT_PASSING_2026_07_28);
      const pinned = direct.filter(({ scenario }) => notPassing.includes(scenario));
      expect(pinned.filter(passes).map(({ scenario }) => scenario)).toEqual([]);
    });
  },
);
