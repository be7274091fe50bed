/**
 * Prints the conformance table of the README: every 2025-11-25 server scenario, run against
 * our conformance server directly and through Gatehouse in each set-up of `setups.ts`.
 *
 *   npx tsx test/conformance/report.ts
 */
import { startConformanceServer } from "./conformance-server";
import { runConformance, type ScenarioResult } from "./run-suite";
import { SETUPS } from "./setups";

/** A cell: passed or not, and how many checks succeeded (a scenario may pass on fewer). */
const cell = (result: ScenarioResult | undefined) =>
  result === undefined
    ? "not run"
    : `${result.passed ? "pass" : "**fail**"} (${result.successes}${
        result.warnings.length > 0 ? `, ${result.warnings.length} warned` : ""
      })`;

const server = await startConformanceServer();
try {
  const direct = await runConformance(server.url);
  const through: ScenarioResult[][] = [];
  for (const setup of SETUPS) through.push(await setup.run(server.url));
  const headings = ["scenario", "directly", ...SETUPS.map((setup) => `(${setup.key})`)];
  const lines = [
    `| ${headings.join(" | ")} |`,
    `| ${headings.map(() => "---").join(" | ")} |`,
    ...direct.map(({ scenario }, index) => {
      const cells = [
        direct[index],
        ...through.map((results) => results.find((r) => r.scenario === scenario)),
      ];
      return `| ${scenario} | ${cells.map(cell).join(" | ")} |`;
    }),
  ];
  console.log(lines.join("\n"));
  console.log();
  for (const setup of SETUPS) console.log(`(${setup.key}) ${setup.title}`);
} finally {
  await server.close();
}
