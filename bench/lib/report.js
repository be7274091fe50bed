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
 * @property {number} [echoServersStarted] stdio echo servers the system started in the row,
 *   the readiness probe's included
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
  "Echo servers started",
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
    "",
    "gatehouse stateless is gatehouse's very config loaded by MCP 2026-07-28 clients: each of",
    "its Sessions is a caller without a session, whose every call is a POST of its own (no",
    "initialize; version and capabilities in `params._meta`, `Mcp-Method` and `Mcp-Name`",
    "headers), sent in the same closed loop as the 2025 calls. Gatehouse relays it through a",
    "bridge session it holds toward the target, pooled per caller (all callers here are the",
    "same anonymous one): one session per call in flight, reused, at most 8. Each caller's",
    "first call goes before the clock, as a 2025 session's initialize does, since it is what",
    "starts a bridge session. Its row against gatehouse's is what serving stateless callers",
    "costs. Echo servers started counts every stdio echo server a system started during its",
    "row, the readiness probe's included (each appends its pid to a file as it starts, so",
    "short-lived ones count too): a 2025 gateway starts one per session (the probe's session",
    "is closed), a stateless row one per bridge session (the probe's is reused); one per call",
    "would show here as thousands.",
  ];
  const stateless = statelessComparison(rows);
  if (stateless.length > 0) lines.push("", ...stateless);
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
      "mcpAuthorization, so each one is a denial in its log. gatehouse stateless has no row",
      "here: the names go through a 2025 session, which would repeat gatehouse's row.",
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

/**
 * One line per session count where both ran: gatehouse stateless against gatehouse, from this
 * run's numbers, with what it started per call.
 * @param {Row[]} rows
 */
function statelessComparison(rows) {
  const lines = [];
  for (const row of rows) {
    if (row.system !== "gatehouse stateless" || !row.result) continue;
    const twin = rows.find(
      (other) => other.system === "gatehouse" && other.sessions === row.sessions,
    );
    if (!twin?.result) continue;
    const ratio = row.result.callsPerSecond / twin.result.callsPerSecond;
    const callers = `${row.sessions} caller${row.sessions === 1 ? "" : "s"}`;
    lines.push(
      `- ${callers}: gatehouse stateless ${fixed(row.result.callsPerSecond, 0)} calls/s, ` +
        `gatehouse ${fixed(twin.result.callsPerSecond, 0)} (${fixed(ratio * 100, 0)} %); ` +
        `CPU µs/call ${fixed(row.cpuUsPerCall ?? NaN, 0)} ` +
        `(gatehouse ${fixed(twin.cpuUsPerCall ?? NaN, 0)}); echo servers started ` +
        `${row.echoServersStarted ?? "–"} for ${row.result.calls} measured calls ` +
        `(gatehouse ${twin.echoServersStarted ?? "–"}); peak RSS incl. children ` +
        `${fixed(row.rss?.treeMb ?? NaN, 1)} MB (gatehouse ${fixed(twin.rss?.treeMb ?? NaN, 1)} MB).`,
    );
  }
  return lines.length > 0 ? ["In this run:", "", ...lines] : [];
}

/** @param {Row[]} rows */
export function renderTable(rows) {
  const body = rows.map((row) => {
    const { result, rss } = row;
    if (!result || !rss) {
      return [row.system, row.sessions, row.note ?? "", "–", "–", "–", "–", "–", "–", "–"];
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
      row.echoServersStarted ?? "–",
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
