#!/usr/bin/env node
// Runs the same echo workload against each system under test in turn, one fresh process per
// row, and writes the results to bench/RESULTS.md.
//
// Then, per system, the hostile-names workload: what names of megabytes cost it.
//
//   node bench/run.js [--sessions 1,8] [--seconds 10] [--warmup 1] [--systems a,b]
//                     [--hostile-calls 15] [--hostile-mib 5]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { sendHostileNames } from "./hostile-names.js";
import { runLoad } from "./load.js";
import { describeError } from "./lib/describe-error.js";
import { freePort } from "./lib/free-port.js";
import { ManagedProcess, killAllNow } from "./lib/managed-process.js";
import { renderReport, renderTable } from "./lib/report.js";
import { readCpuSeconds, readRssKb } from "./lib/proc-tree.js";
import { startRssSampler } from "./lib/rss-sampler.js";
import { REPO_DIR, SYSTEMS } from "./lib/systems.js";
import { waitUntilAnswering } from "./lib/wait-ready.js";

const READY_TIMEOUT_MS = 30_000;
const WORK_DIR = join(REPO_DIR, "bench/.work");
const RESULTS_FILE = join(REPO_DIR, "bench/RESULTS.md");
/** After the last hostile call, the system gets this long to let go of what it can. */
const SETTLE_MS = 2_000;
const MIB = 1024 * 1024;

/**
 * @typedef {object} Options
 * @property {number[]} sessions
 * @property {number} seconds
 * @property {number} warmupSeconds
 * @property {import("./lib/systems.js").System[]} systems
 * @property {number} hostileCalls
 * @property {number} hostileMib
 */

/** @returns {Options} */
function parseOptions() {
  const { values } = parseArgs({
    options: {
      sessions: { type: "string", default: "1,8" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "1" },
      systems: { type: "string", default: SYSTEMS.map((system) => system.name).join(",") },
      "hostile-calls": { type: "string", default: "15" },
      "hostile-mib": { type: "string", default: "5" },
    },
  });
  const sessions = values.sessions.split(",").map(Number);
  if (!sessions.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`--sessions wants positive integers, got ${values.sessions}`);
  }
  const names = values.systems.split(",");
  const unknown = names.filter((name) => !SYSTEMS.some((system) => system.name === name));
  if (unknown.length > 0) throw new Error(`unknown system(s): ${unknown.join(", ")}`);
  return {
    sessions,
    seconds: positive(values.seconds, "--seconds"),
    warmupSeconds: positive(values.warmup, "--warmup"),
    systems: SYSTEMS.filter((system) => names.includes(system.name)),
    hostileCalls: count(values["hostile-calls"], "--hostile-calls"),
    hostileMib: positive(values["hostile-mib"], "--hostile-mib"),
  };
}

/** @param {string} value @param {string} flag */
function positive(value, flag) {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${flag} wants a positive number, got ${value}`);
  return number;
}

/** @param {string} value @param {string} flag */
function count(value, flag) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new Error(`${flag} wants a whole number, 0 or more, got ${value}`);
  }
  return number;
}

/** The command line as the user typed it, for the report. */
function invocation() {
  const args = process.argv.slice(2).join(" ");
  // `npm run bench -- <args>` appends <args> to `node bench/run.js`.
  const base = process.env.npm_lifecycle_event === "bench" ? "npm run bench" : "node bench/run.js";
  if (!args) return base;
  return base === "npm run bench" ? `${base} -- ${args}` : `${base} ${args}`;
}

/** A command line with this machine's paths shortened, for the report. */
function displayCommand(/** @type {string[]} */ args) {
  return ["node", ...args]
    .map((arg) => arg.replaceAll(process.execPath, "node").replaceAll(REPO_DIR, ""))
    .join(" ");
}

/**
 * Starts one system, waits until it answers, lets `measure` work with it, stops it. Returns
 * what `measure` returned, or a note that says why the system did not run.
 * @template T
 * @param {import("./lib/systems.js").System} system
 * @param {Map<string, string>} commands records how the system was started
 * @param {(running: { url: string, managed: ManagedProcess, peakRss: () => { mainMb: number, treeMb: number }, echoServersStarted: () => number }) => Promise<T>} measure
 * @returns {Promise<{ value: T } | { note: string }>}
 */
async function withRunningSystem(system, commands, measure) {
  if (!existsSync(system.entry)) {
    return { note: `skipped: ${relative(REPO_DIR, system.entry)} not found` };
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  // Every stdio echo server the system starts adds a line here, however briefly it lives.
  const tally = join(WORK_DIR, `echo-started-${port}.txt`);
  writeFileSync(tally, "");
  const echoServersStarted = () => readFileSync(tally, "utf8").split("\n").length - 1;
  const args = [system.entry, ...system.args(port, WORK_DIR, tally)];
  commands.set(system.name, displayCommand(args));
  const managed = new ManagedProcess(process.execPath, args, join(WORK_DIR, `${system.name}.log`));
  const sampler = startRssSampler(managed.pid, (id) => managed.remember(id));
  try {
    await waitUntilAnswering(url, managed, READY_TIMEOUT_MS, system.bearer, system.client);
    const peakRss = () => sampler.stop();
    return { value: await measure({ url, managed, peakRss, echoServersStarted }) };
  } catch (error) {
    return { note: `did not run: ${describeError(error)}; log: ${managed.logTail(1)}` };
  } finally {
    sampler.stop(); // idempotent; already stopped on success
    await managed.stop();
  }
}

/**
 * Loads one system with the echo workload.
 * @param {import("./lib/systems.js").System} system
 * @param {number} sessions
 * @param {Options} options
 * @param {Map<string, string>} commands
 * @returns {Promise<import("./lib/report.js").Row>}
 */
async function benchOne(system, sessions, options, commands) {
  const ran = await withRunningSystem(system, commands, async (running) => {
    const { url, managed, peakRss, echoServersStarted } = running;
    const { seconds, warmupSeconds } = options;
    // The system's own CPU time over the measured window: what one call costs the proxy,
    // whatever the load generator and the echo servers take from the same cores.
    let cpuAtStart = 0;
    let cpuSeconds = 0;
    const window = {
      start: () => (cpuAtStart = readCpuSeconds(managed.pid)),
      end: () => (cpuSeconds = readCpuSeconds(managed.pid) - cpuAtStart),
    };
    const { bearer, client: Client } = system;
    const result = await runLoad({ url, bearer, sessions, seconds, warmupSeconds, window, Client });
    return {
      result,
      rss: peakRss(),
      cpuUsPerCall: (cpuSeconds * 1e6) / result.calls,
      echoServersStarted: echoServersStarted(),
    };
  });
  return { system: system.name, sessions, ...("value" in ran ? ran.value : ran) };
}

/**
 * Sends one system the hostile names, and reads what they cost it.
 * @param {import("./lib/systems.js").System} system
 * @param {Options} options
 * @param {Map<string, string>} commands
 * @returns {Promise<import("./lib/report.js").HostileRow>}
 */
async function benchHostile(system, options, commands) {
  const ran = await withRunningSystem(system, commands, async ({ url, managed, peakRss }) => {
    const beforeMb = readRssKb(managed.pid) / 1024;
    const logBefore = statSync(managed.logFile).size;
    const { answered } = await sendHostileNames({
      url,
      bearer: system.bearer,
      calls: options.hostileCalls,
      nameBytes: options.hostileMib * MIB,
    });
    await sleep(SETTLE_MS);
    return {
      answered,
      beforeMb,
      peakMb: peakRss().mainMb,
      afterMb: readRssKb(managed.pid) / 1024,
      logMb: (statSync(managed.logFile).size - logBefore) / MIB,
    };
  });
  return { system: system.name, ...("value" in ran ? { hostile: ran.value } : ran) };
}

// Whatever ends this process, take the systems under test down with it.
process.on("exit", killAllNow);
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

const options = parseOptions();
mkdirSync(WORK_DIR, { recursive: true });
// Gatehouse keeps its data (the denial log among it) here, never in the user's own folder.
process.env.GATEHOUSE_DATA_DIR = join(WORK_DIR, "data");
const context = {
  command: invocation(),
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  sessions: options.sessions,
  seconds: options.seconds,
  warmupSeconds: options.warmupSeconds,
  hostileCalls: options.hostileCalls,
  hostileMib: options.hostileMib,
};
/** @type {import("./lib/report.js").Row[]} */
const rows = [];
const commands = new Map();
for (const sessions of options.sessions) {
  for (const system of options.systems) {
    process.stdout.write(`${system.name}, ${sessions} session(s)…\n`);
    const row = await benchOne(system, sessions, options, commands);
    rows.push(row);
    process.stdout.write(`${renderTable([row]).split("\n").at(-1)}\n`);
  }
}
/** @type {import("./lib/report.js").HostileRow[]} */
const hostileRows = [];
// The names go through a 2025 session, so a stateless system's row would repeat its twin's.
const hostileSystems = options.systems.filter((system) => system.client === undefined);
for (const system of options.hostileCalls > 0 ? hostileSystems : []) {
  process.stdout.write(`${system.name}, hostile names…\n`);
  hostileRows.push(await benchHostile(system, options, commands));
}
const report = renderReport(context, rows, hostileRows, commands);
writeFileSync(RESULTS_FILE, report);
process.stdout.write(`\n${report}\nwritten to ${relative(process.cwd(), RESULTS_FILE)}\n`);
