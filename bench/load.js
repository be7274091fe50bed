#!/usr/bin/env node
// The load generator: N MCP sessions, each calling `echo` in a closed loop (next call as soon
// as the previous one answered). Only calls that start after the warm-up and finish before
// the end count towards throughput and latency; every failure anywhere counts as an error.
// With --stateless the N are 2026-07-28 callers instead: no initialize, no session, each call
// a POST of its own, in the very same loop.
//
//   node bench/load.js --url http://127.0.0.1:3000/mcp --sessions 8 --seconds 10 [--stateless]
import { realpathSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { describeError } from "./lib/describe-error.js";
import { McpSession } from "./lib/mcp-session.js";
import { StatelessCaller } from "./lib/stateless-caller.js";
import { summarize } from "./lib/stats.js";

/**
 * @typedef {object} LoadOptions
 * @property {string} url MCP endpoint
 * @property {string} [bearer] token for gateways that authenticate callers
 * @property {number} sessions concurrent sessions (or stateless callers)
 * @property {number} seconds length of the measured window
 * @property {number} [warmupSeconds] calls before the window are not measured
 * @property {{ start(): void, end(): void }} [window] told when the measured window opens and
 *   closes, so that a caller can measure something else over exactly the same time
 * @property {Client} [Client] the client each session is: McpSession (2025, the default) or
 *   StatelessCaller (2026-07-28)
 *
 * @typedef {new (url: string, bearer?: string) => { open(): Promise<void>,
 *   echo(text: string): Promise<string | undefined>, close(): Promise<void> }} Client
 *
 * @typedef {object} LoadResult
 * @property {number} sessions
 * @property {number} seconds
 * @property {number} calls successful calls in the window
 * @property {number} callsPerSecond
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} errors failed opens, calls (including wrong echoes) and closes
 * @property {string} [firstError] message of the first failure, for diagnosis
 */

/**
 * @param {LoadOptions} options
 * @returns {Promise<LoadResult>}
 */
export async function runLoad({
  url,
  bearer,
  sessions,
  seconds,
  warmupSeconds = 1,
  window,
  Client = McpSession,
}) {
  const failures = new Failures();
  const opened = await Promise.all(
    Array.from({ length: sessions }, async () => {
      const session = new Client(url, bearer);
      try {
        await session.open();
        return session;
      } catch (error) {
        failures.add(error);
        return undefined;
      }
    }),
  );

  // One clock for all sessions, started once they are all open.
  const measureFrom = performance.now() + warmupSeconds * 1000;
  const endAt = measureFrom + seconds * 1000;
  /** Settles once the window has closed: a loop may end before its timer has run. */
  let windowClosed = Promise.resolve();
  if (window) {
    setTimeout(window.start, measureFrom - performance.now());
    windowClosed = new Promise((resolve) => {
      setTimeout(() => resolve(window.end()), endAt - performance.now());
    });
  }
  /** @type {number[]} */
  const latenciesMs = [];
  await Promise.all(
    opened.map(async (session, index) => {
      if (!session) return;
      for (let n = 0; performance.now() < endAt; n++) {
        const text = `session ${index} call ${n}`;
        const startedAt = performance.now();
        try {
          const echoed = await session.echo(text);
          const endedAt = performance.now();
          if (echoed !== text) throw new Error(`echo mismatch: sent "${text}", got "${echoed}"`);
          if (startedAt >= measureFrom && endedAt <= endAt) latenciesMs.push(endedAt - startedAt);
        } catch (error) {
          failures.add(error);
        }
      }
      await session.close().catch((error) => failures.add(error));
    }),
  );
  // Stateless callers have nothing to close: without this, the result could be in before the
  // window's end was taken.
  await windowClosed;

  return {
    sessions,
    seconds,
    ...summarize(latenciesMs, seconds),
    errors: failures.count,
    firstError: failures.first,
  };
}

class Failures {
  count = 0;
  /** @type {string | undefined} */
  first = undefined;

  /** @param {unknown} error */
  add(error) {
    this.count++;
    this.first ??= describeError(error);
  }
}

function isMain() {
  return (
    Boolean(process.argv[1]) &&
    import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
  );
}

if (isMain()) {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      sessions: { type: "string", default: "8" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "1" },
      stateless: { type: "boolean", default: false },
    },
  });
  if (!values.url) {
    process.stderr.write(
      "usage: load.js --url URL [--sessions N] [--seconds T] [--warmup W] [--stateless]\n",
    );
    process.exit(2);
  }
  const result = await runLoad({
    url: values.url,
    sessions: Number(values.sessions),
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    Client: values.stateless ? StatelessCaller : McpSession,
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
