// Waits until a freshly started system answers MCP: a whole session that gets an echo back
// proves the chain down to the echo server is up, not just the listening socket. The probe is
// the client the system is loaded with, so that it starts nothing that client would not.
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
 * @param {import("../load.js").Client} [Client]
 */
export async function waitUntilAnswering(url, managed, timeoutMs, bearer, Client = McpSession) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no attempt";
  while (Date.now() < deadline) {
    if (managed.hasExited) throw new Error(`exited (${await managed.exited}) before answering`);
    try {
      const echoed = await probe(url, bearer, Client);
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
 * @param {string | undefined} bearer
 * @param {import("../load.js").Client} Client
 */
async function probe(url, bearer, Client) {
  const session = new Client(url, bearer);
  await session.open();
  try {
    return await session.echo(PROBE_TEXT);
  } finally {
    await session.close();
  }
}
