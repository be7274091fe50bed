// Waits until a freshly started system answers MCP: a whole session that gets an echo back
// proves the chain down to the echo server is up, not just the listening socket.
import { setTimeout as sleep } from "node:timers/promises";
import { describeError } from "./describe-error.js";
import { McpSession } from "./mcp-session.js";

const POLL_MS = 100;
const PROBE_TEXT = "ready?";

/**
 * @param {string} url
 * @param {import("./managed-process.js").ManagedProcess} managed
 * @param {number} timeoutMs
 * @param {string} [bearer]
 */
export async function waitUntilAnswering(url, managed, timeoutMs, bearer) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no attempt";
  while (Date.now() < deadline) {
    if (managed.hasExited) throw new Error(`exited (${await managed.exited}) before answering`);
    try {
      const echoed = await probe(url, bearer);
      if (echoed === PROBE_TEXT) return;
      lastError = `echo answered "${echoed}"`;
    } catch (error) {
      lastError = describeError(error);
    }
    await sleep(POLL_MS);
  }
  throw new Error(`no answer within ${timeoutMs / 1000} s (last: ${lastError})`);
}

/**
 * One whole session, closed even when the echo fails, so that failed probes leave no
 * sessions (or, for some peers, processes) behind.
 * @param {string} url
 * @param {string} [bearer]
 */
async function probe(url, bearer) {
  const session = new McpSession(url, bearer);
  await session.open();
  try {
    return await session.echo(PROBE_TEXT);
  } finally {
    await session.close();
  }
}
