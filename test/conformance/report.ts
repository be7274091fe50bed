/**
 * Prints the conformance tables of the README: the scenarios of each MCP revision, run against
 * a conformance server of ours directly and through Gatehouse in each set-up of `setups.ts`.
 * 2025-11-25: every server scenario, against the 2025 server; 2026-07-28: what the revision
 * requires, against the 2026-only server.
 *
 *   npx tsx test/conformance/report.ts
 */
import { startConformanceServer } from "./conformance-server";
import { MODERN_SCENARIOS_2026_07_28 } from "./modern-scenarios";
import { startModernConformanceServer } from "./modern-server";
import { runConformance, type ConformanceRunOptions, type ScenarioResult } from "./run-suite";
import { SETUPS } from "./setups";

/** A cell: passed or not, and how many checks succeeded (a scenario may pass on fewer). */
const cell = (result: ScenarioResult | undefined) =>
  result === undefined
    ? "not run"
    : `${result.passed ? "pass" : "**fail**"} (${result.successes}${
        result.warnings.length > 0 ? `, ${result.warnings.length} warned` : ""
      })`;

async function table(
  server: { url: string; close(): Promise<void> },
  options: ConformanceRunOptions,
  shown: (scenario: string) => boolean,
): Promise<string> {
  try {
    const direct = (await runConformance(server.url, options)).filter((r) => shown(r.scenario));
    const through: ScenarioResult[][] = [];
    for (const setup of SETUPS) through.push(await setup.run(server.url, options));
    const headings = ["scenario", "directly", ...SETUPS.map((setup) => `(${setup.key})`)];
    return [
      `| ${headings.join(" | ")} |`,
      `| ${headings.map(() => "---").join(" | ")} |`,
      ...direct.map((result) => {
        const cells = [
          result,
          ...through.map((results) => results.find((r) => r.scenario === result.scenario)),
        ];
        return `| ${result.scenario} | ${cells.map(cell).join(" | ")} |`;
      }),
    ].join("\n");
  } finally {
    await server.close();
  }
}

console.log("2025-11-25\n");
console.log(await table(await startConformanceServer(), {}, () => true));
console.log(
  "\n2026-07-28 (the scenarios the server passes directly; the tasks extension is left out)\n",
);
console.log(
  await table(
    await startModernConformanceServer({ legacy: false }),
    { requirements: "2026-07-28" },
    (scenario) => MODERN_SCENARIOS_2026_07_28.includes(scenario),
  ),
);
console.log();
for (const setup of SETUPS) console.log(`(${setup.key}) ${setup.title}`);
