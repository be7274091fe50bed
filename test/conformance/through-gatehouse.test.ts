import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConformanceServer } from "./conformance-server";
import { runConformance, type ScenarioResult } from "./run-suite";
import { SERVER_SCENARIOS_2025_11_25 } from "./server-scenarios";
import { conformance, runThroughGatehouse, SETUPS, toolsOnly } from "./setups";

const SUITE_TIMEOUT_MS = 6 * 60_000;

/**
 * What a user sees of a run: every scenario with what failed or warned in it. Compared with
 * the direct run, so that a difference names the scenario and its checks.
 */
const outcome = (results: ScenarioResult[]) =>
  results.map(({ scenario, failures, warnings }) => ({ scenario, failures, warnings }));

describe("the MCP conformance suite (server, 2025-11-25): directly, then through Gatehouse", () => {
  let server: Awaited<ReturnType<typeof startConformanceServer>>;
  let direct: ScenarioResult[];

  beforeAll(async () => {
    server = await startConformanceServer();
    direct = await runConformance(server.url);
  }, SUITE_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("passes every 2025-11-25 server scenario against our conformance server directly, without a warning", () => {
    expect(direct.map((result) => result.scenario)).toEqual(SERVER_SCENARIOS_2025_11_25);
    // The unclean results themselves, so that the diff names every failed check and why.
    expect(direct.filter((result) => !result.passed || result.warnings.length > 0)).toEqual([]);
  });

  for (const setup of SETUPS) {
    it(
      `(${setup.key}) ${setup.title}`,
      async () => {
        expect(outcome(await setup.run(server.url))).toEqual(outcome(direct));
      },
      SUITE_TIMEOUT_MS,
    );
  }

  it(
    "(c) would fail if the prefixes were not there: the lens checks them",
    async () => {
      const unprefixed = (scenario: string) =>
        runThroughGatehouse([conformance(server.url), toolsOnly()], "never", {
          lens: true,
          scenarios: [scenario],
        });
      const [read] = await unprefixed("resources-read-text");
      expect(read?.failures.join()).toMatch(/Unknown resource: conformance\+test:\/\/static-text/);
      // This scenario looks its tool up by name in tools/list, where it came unprefixed.
      const [schema] = await unprefixed("json-schema-2020-12");
      expect(schema?.failures).toEqual([expect.stringMatching(/json_schema_2020_12_tool/)]);
    },
    SUITE_TIMEOUT_MS,
  );
});
