// Renders a benchmark run as markdown: context first (what ran, where), then one table row
// per system and session count, then how each system was started.

/**
 * @typedef {object} RunContext
 * @property {string} command the command line that produced the report
 * @property {string} date ISO timestamp of the start of the run
 * @property {string} node Node.js version
 * @property {string} cpu CPU model
 * @property {number} cores
 * @property {number[]} sessions session counts run
 * @property {number} seconds measured seconds per row
 * @property {number} warmupSeconds unmeasured seconds before each row
 * @property {number} hostileCalls tool names of the hostile-names workload, 0 when not run
 * @property {number} hostileMib how long each of those names is, in MiB
 *
 * @typedef {object} Row
 * @property {string} system
 * @property {number} sessions
 * @property {import("../load.js").LoadResult} [result] absent when the system did not run
 * @property {{ mainMb: number, treeMb: number }} [rss]
 * @property {number} [cpuUsPerCall] CPU time of the system's main process per call, in µs
 * @property {string} [note] why there is no result
 *
 * @typedef {object} HostileRow
 * @property {string} system
 * @property {{ answered: number, beforeMb: number, peakMb: number, afterMb: number, logMb: number }} [hostile]
 *   absent when the system did not run
 * @property {string} [note] why there is no result
 */

const HEADER = [
  "System",
  "Sessions",
  "Calls/s",
  "p50 ms",
  "p99 ms",
  "Errors",
  "CPU µs/call",
  "Peak RSS MB",
  "Peak RSS MB incl. children",
];

const HOSTILE_HEADER = [
  "System",
  "Answered",
  "RSS MB before",
  "Peak RSS MB",
  "RSS MB 2 s after",
  "Log MB written",
];

/**
 * @param {RunContext} context
 * @param {Row[]} rows
 * @param {HostileRow[]} hostileRows
 * @param {Map<string, string>} commands how each system that ran was started
 */
export function renderReport(context, rows, hostileRows, commands) {
  const lines = [
    "# Gatehouse benchmark results",
    "",
    `- Command: \`${context.command}\``,
    `- Date: ${context.date}`,
    `- Node: ${context.node}`,
    `- CPU: ${context.cpu} (${context.cores} cores)`,
    `- Sessions: ${context.sessions.join(", ")}; ${context.seconds} s measured per row after ` +
      `${context.warmupSeconds} s warm-up`,
    "",
    renderTable(rows),
    "",
    "How to read it: every system, the load generator and the echo servers share the same cores,",
    "so calls/s shows what the machine gives end to end. CPU µs/call is the CPU time of the",
    "system's main process over the measured window divided by the calls in it: what one call",
    "costs the proxy itself. Gatehouse and supergateway start one stdio echo server per session",
    "(as MCP gateways must for stateful servers); mcp-proxy shares one among all sessions.",
    "gatehouse+auth is the same relay enforcing: jwtAuth (strict, ES256) on every request and",
    "three mcpAuthorization rules (allow, deny, require) on every call; the difference between",
    "its row and gatehouse's is what enforcement costs. gatehouse 2 targets multiplexes two echo",
    "servers per session with `prefixMode: never` (the first call lists both to find `echo`):",
    "its row against gatehouse's is what multiplexing costs.",
  ];
  if (hostileRows.length > 0) {
    lines.push(
      "",
      `## Hostile names: ${context.hostileCalls} tools/call with a ${context.hostileMib} MiB tool name`,
      "",
      renderHostileTable(hostileRows),
      "",
      "One session sends the names one after the other, each a different one; the answer does",
      "not matter (an unknown-tool error, a refusal). RSS is the system's main process: before",
      "the first name, at its peak, and 2 s after the last answer. Log MB is what the system",
      "wrote to stdout and stderr meanwhile. gatehouse+auth refuses every name with",
      "mcpAuthorization, so each one is a denial in its log.",
    );
  }
  const errorNotes = rows.filter((row) => row.result?.firstError);
  if (errorNotes.length > 0) {
    lines.push("", "First error per row with errors:", "");
    for (const row of errorNotes) {
      lines.push(`- ${row.system}, ${row.sessions} sessions: ${row.result?.firstError}`);
    }
  }
  lines.push("", "Systems as started (port varies per row):", "");
  for (const [system, command] of commands) lines.push(`- ${system}: \`${command}\``);
  return `${lines.join("\n")}\n`;
}

/** @param {Row[]} rows */
export function renderTable(rows) {
  const body = rows.map((row) => {
    const { result, rss } = row;
    if (!result || !rss) {
      return [row.system, row.sessions, row.note ?? "", "–", "–", "–", "–", "–", "–"];
    }
    return [
      row.system,
      row.sessions,
      fixed(result.callsPerSecond, 0),
      fixed(result.p50Ms, 2),
      fixed(result.p99Ms, 2),
      result.errors,
      fixed(row.cpuUsPerCall ?? NaN, 0),
      fixed(rss.mainMb, 1),
      fixed(rss.treeMb, 1),
    ];
  });
  return markdownTable(HEADER, body);
}

/** @param {HostileRow[]} rows */
export function renderHostileTable(rows) {
  const body = rows.map(({ system, hostile, note }) =>
    hostile
      ? [
          system,
          hostile.answered,
          fixed(hostile.beforeMb, 0),
          fixed(hostile.peakMb, 0),
          fixed(hostile.afterMb, 0),
          fixed(hostile.logMb, 2),
        ]
      : [system, note ?? "", "–", "–", "–", "–"],
  );
  return markdownTable(HOSTILE_HEADER, body);
}

/**
 * @param {string[]} header
 * @param {(string | number)[][]} body
 */
function markdownTable(header, body) {
  const alignment = header.map((_, index) => (index === 0 ? "---" : "---:"));
  return [header, alignment, ...body]
    .map((cells) => `| ${cells.map(cell).join(" | ")} |`)
    .join("\n");
}

/**
 * Percentiles of zero calls are NaN; show them as missing.
 * @param {number} value
 * @param {number} digits
 */
function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** @param {string | number} value */
function cell(value) {
  return String(value).replaceAll("|", "\\|").replaceAll("\n", " ");
}
