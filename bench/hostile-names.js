// The hostile-names workload: one session sends tools/call requests whose tool name is
// megabytes long, one after the other, as an attacker probing a gateway would. The answer does
// not matter (an unknown-tool error, a refusal, an HTTP error): what is measured is what the
// names cost the system under test, in memory and in what it writes to its log.
import { McpSession } from "./lib/mcp-session.js";

/**
 * @typedef {object} HostileOptions
 * @property {string} url MCP endpoint
 * @property {string} [bearer] token for gateways that authenticate callers
 * @property {number} calls how many names to send
 * @property {number} nameBytes how long each name is
 *
 * @typedef {object} HostileResult
 * @property {number} answered calls that got a JSON-RPC answer, a result or an error
 * @property {number} failed calls that got no answer (HTTP error, connection closed, timeout)
 */

/**
 * @param {HostileOptions} options
 * @returns {Promise<HostileResult>}
 */
export async function sendHostileNames({ url, bearer, calls, nameBytes }) {
  const session = new McpSession(url, bearer);
  await session.open();
  let answered = 0;
  for (let i = 0; i < calls; i++) {
    // Each name differs, so that no system can answer from a cache of the last one.
    const name = `${i}`.padEnd(nameBytes, "n");
    try {
      await session.callTool(name, {});
      answered++;
    } catch (error) {
      if (/JSON-RPC error/.test(String(error))) answered++;
    }
  }
  await session.close().catch(() => undefined);
  return { answered, failed: calls - answered };
}
