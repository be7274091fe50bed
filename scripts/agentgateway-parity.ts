/**
 * How many of agentgateway's own MCP configs Gatehouse accepts, measured the way a user would
 * meet them: each config from the agentgateway repository and its docs, checked by Gatehouse
 * exactly as `gatehouse check <file>` checks it. Described in docs/agentgateway-parity.md.
 *
 *   npx tsx scripts/agentgateway-parity.ts [--json] [--verbose]
 *
 * It reads two local git mirrors (not available in CI, so this is not part of `npm test`):
 *   agentgateway/agentgateway  $AGENTGATEWAY_MIRROR (default /work/.mirror/agentgateway+agentgateway/repo)
 *   agentgateway/website       $AGENTGATEWAY_WEBSITE_MIRROR (default /work/.mirror/agentgateway+website/repo)
 *
 * Exit status: 0 whatever the configs' outcome, 2 when a mirror is missing.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { version } from "../package.json";
import { checkCase, type CaseResult, type Check, type Outcome } from "./parity/check";
import { collectCorpus, Mirror, type Corpus, type SkipReason } from "./parity/corpus";

const USAGE = `usage: npx tsx scripts/agentgateway-parity.ts [--json] [--verbose]
  --json     print the results as JSON (every config, its outcome and problems)
  --verbose  also list every config with its source and its problems`;

/** Checks run side by side; a JWKS URL that cannot be reached costs a check up to 5 s. */
const CONCURRENCY = 8;

const OUTCOMES: Outcome[] = [
  "accepted",
  "refused",
  "needs a local file or service",
  "check failed",
];

/** The skip reasons that just mean "not an MCP config": not listed one by one. */
const NOT_CONFIGS: SkipReason[] = [
  "not an agentgateway config (no top-level binds, gateways, routes or mcp)",
  "config without an MCP backend",
  "kubernetes manifest",
];

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => !["--json", "--verbose"].includes(arg));
  if (unknown.length) {
    console.error(`${unknown.includes("--help") ? "" : `unknown option ${unknown[0]}\n`}${USAGE}`);
    return unknown.includes("--help") ? 0 : 1;
  }
  const json = args.includes("--json");
  const verbose = args.includes("--verbose");

  const agentgateway = new Mirror(
    "agentgateway/agentgateway",
    process.env.AGENTGATEWAY_MIRROR ?? "/work/.mirror/agentgateway+agentgateway/repo",
  );
  const website = new Mirror(
    "agentgateway/website",
    process.env.AGENTGATEWAY_WEBSITE_MIRROR ?? "/work/.mirror/agentgateway+website/repo",
  );
  const missing = [agentgateway, website].filter((mirror) => !mirror.available());
  if (missing.length) {
    for (const mirror of missing) {
      console.error(`missing mirror of ${mirror.name}: no git repository at ${mirror.dir}`);
    }
    console.error("set AGENTGATEWAY_MIRROR / AGENTGATEWAY_WEBSITE_MIRROR to where they are");
    return 2;
  }

  const corpus = collectCorpus(agentgateway, website);
  const check = await loadCheck();
  const root = await mkdtemp(join(tmpdir(), "gatehouse-parity-"));
  let results: CaseResult[];
  try {
    results = await inPool(corpus.cases, CONCURRENCY, (item) => checkCase(item, root, check));
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const snapshot = {
    gatehouse: { version, commit: gatehouseCommit() },
    mirrors: Object.fromEntries(
      [agentgateway, website].map((m) => [m.name, { dir: m.dir, ...m.head() }]),
    ),
  };
  const report = json
    ? `${JSON.stringify(toJson(snapshot, corpus, results), null, 2)}\n`
    : toText(snapshot, corpus, results, verbose);
  // Exit explicitly once the output is written: a check that timed out may hold a handle open.
  await new Promise<void>((done) => process.stdout.write(report, () => done()));
  return 0;
}

/**
 * Gatehouse's `checkConfigFile`, loaded the way the CLI bundle has it. The app layer imports
 * YAML files with Vite's `?raw` suffix, which plain Node (and tsx) cannot load, so a loader
 * hook answers those imports with the file's text first.
 */
async function loadCheck(): Promise<Check> {
  const rawImports = `
    import { readFile } from "node:fs/promises";
    export async function load(url, context, nextLoad) {
      if (!url.endsWith("?raw")) return nextLoad(url, context);
      const text = await readFile(new URL(url.slice(0, -"?raw".length)), "utf8");
      return { format: "module", source: "export default " + JSON.stringify(text), shortCircuit: true };
    }`;
  register(`data:text/javascript,${encodeURIComponent(rawImports)}`);
  const service = await import("../src/main/app/service");
  return service.checkConfigFile;
}

/** Runs `work` over `items` with at most `limit` at a time; results keep the items' order. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The commit of the Gatehouse being measured, marked when src/ differs from it. */
function gatehouseCommit(): string | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", REPO_ROOT, ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    const dirty = git("status", "--porcelain", "--", "src", "resources") !== "";
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes" : ""}`;
  } catch {
    return undefined;
  }
}

// ---- the report ---------------------------------------------------------------------------

type Snapshot = {
  gatehouse: { version: string; commit: string | undefined };
  mirrors: Record<string, { dir: string; commit: string; date: string }>;
};

/** Refused configs grouped by blocker, the most common first. */
function blockers(results: CaseResult[]): { blocker: string; sources: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of results) {
    if (r.outcome !== "refused" || !r.blocker) continue;
    groups.set(r.blocker, [...(groups.get(r.blocker) ?? []), r.source]);
  }
  return [...groups]
    .map(([blocker, sources]) => ({ blocker, sources }))
    .sort((a, b) => b.sources.length - a.sources.length || a.blocker.localeCompare(b.blocker));
}

function counts(results: CaseResult[]): Record<Outcome, number> {
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) byOutcome[r.outcome]++;
  return byOutcome;
}

function percent(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : "-";
}

function toJson(snapshot: Snapshot, corpus: Corpus, results: CaseResult[]) {
  const totals = counts(results);
  return {
    ...snapshot,
    totals: { configs: results.length, ...totals },
    acceptedPercent: percent(totals.accepted, results.length),
    skipped: corpus.skipped,
    blockers: blockers(results).map(({ blocker, sources }) => ({
      blocker,
      count: sources.length,
      sources,
    })),
    results,
  };
}

/** Markdown tables, readable in a terminal and pasteable into the docs as they are. */
function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => `${"-".repeat(i === 0 ? w + 2 : w + 1)}${i === 0 ? "" : ":"}`).join("|")}|`;
  return [line(cells[0] as string[]), rule, ...cells.slice(1).map(line)].join("\n");
}

function toText(
  snapshot: Snapshot,
  corpus: Corpus,
  results: CaseResult[],
  verbose: boolean,
): string {
  const out: string[] = [];
  const { gatehouse, mirrors } = snapshot;
  out.push(`Gatehouse ${gatehouse.version}${gatehouse.commit ? ` (${gatehouse.commit})` : ""}`);
  for (const [name, m] of Object.entries(mirrors)) {
    out.push(`${name} at ${m.commit.slice(0, 12)} (${m.date}), ${m.dir}`);
  }

  const totals = counts(results);
  const checkable = results.length - totals["needs a local file or service"];
  const groups = [...new Set(results.map((r) => r.group))];
  const row = (label: string, rs: CaseResult[]) => {
    const c = counts(rs);
    return [
      label,
      rs.length,
      c.accepted,
      c.refused,
      c["needs a local file or service"],
      c["check failed"],
      percent(c.accepted, rs.length),
    ];
  };
  out.push(
    "",
    table(
      [
        "configs from",
        "configs",
        "accepted",
        "refused",
        "needs a local file or service",
        "check failed",
        "accepted %",
      ],
      [
        ...groups.map((g) =>
          row(
            g,
            results.filter((r) => r.group === g),
          ),
        ),
        row("total", results),
      ],
    ),
    "",
    `Accepted: ${totals.accepted} of ${results.length} (${percent(totals.accepted, results.length)}).`,
    // A config that names a file or a service the reader is asked to provide is judged once
    // they exist: counting it refused would measure this machine, not Gatehouse.
    `Accepted of those that need no file or service of the reader's: ${totals.accepted} of ${checkable} (${percent(totals.accepted, checkable)}).`,
  );

  const reasons = new Map<string, number>();
  for (const { reason } of corpus.skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  if (reasons.size) {
    out.push("", "YAML blocks and files looked at but not counted:", "");
    out.push(
      table(
        ["reason", "blocks"],
        [...reasons].sort((a, b) => b[1] - a[1]),
      ),
    );
  }

  const byBlocker = blockers(results);
  if (byBlocker.length) {
    out.push(
      "",
      "Refusals by blocker (the first problem Gatehouse reports):",
      "",
      table(
        ["blocker", "configs"],
        byBlocker.map(({ blocker, sources }) => [blocker.replaceAll("|", "\\|"), sources.length]),
      ),
    );
  }

  for (const outcome of ["needs a local file or service", "check failed"] as const) {
    const these = results.filter((r) => r.outcome === outcome);
    if (!these.length || verbose) continue;
    out.push("", `${outcome}:`);
    for (const r of these) out.push(`  ${r.source}`, ...r.problems.map((p) => `      ${p}`));
  }

  if (verbose) {
    // Fragments, non-MCP configs and manifests are most YAML blocks; the rest are worth a look.
    const notable = corpus.skipped.filter((s) => !NOT_CONFIGS.includes(s.reason));
    if (notable.length) out.push("", "Not counted, and not because they are no MCP config:");
    for (const { source, reason } of notable) out.push(`  ${source}: ${reason}`);
    out.push("", "Every config:");
    for (const r of results) {
      const names = Object.keys(r.env);
      const env = names.length ? ` (env: ${names.join(", ")})` : "";
      out.push("", `${r.outcome.toUpperCase()}  ${r.source}${env}`);
      out.push(...r.problems.map((p) => `    ${p}`));
      out.push(...r.warnings.map((w) => `    warning: ${w}`));
    }
  }
  return `${out.join("\n")}\n`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
