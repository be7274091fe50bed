// A hand-written MCP 2026-07-28 ("stateless") caller on plain `fetch`: no initialize, no
// session. Every request stands alone: its version and capabilities in `params._meta`, its
// method and tool name mirrored in the `Mcp-Method` and `Mcp-Name` headers. It has the shape
// of McpSession (open, echo, close), so that the load generator drives both alike, and it
// does as little per call: headers and the constant parts of the body are built once.
import { extractResult } from "./jsonrpc-response.js";

export const STATELESS_VERSION = "2026-07-28";
const REQUEST_TIMEOUT_MS = 10_000;
const ECHO_TOOL = "echo";

const META = JSON.stringify({
  "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
  "io.modelcontextprotocol/clientCapabilities": {},
});
// {"jsonrpc":"2.0","id":<id>,"method":"tools/call","params":{"name":"echo","arguments":{"text":<text>},"_meta":{…}}}
const BODY_HEAD = '{"jsonrpc":"2.0","id":';
const BODY_ARGS = `,"method":"tools/call","params":{"name":${JSON.stringify(ECHO_TOOL)},"arguments":{"text":`;
const BODY_TAIL = `},"_meta":${META}}}`;

export class StatelessCaller {
  /**
   * @param {string} url the MCP endpoint, e.g. http://127.0.0.1:3000/mcp
   * @param {string} [bearer] a token sent as `Authorization: Bearer`, for gateways that want one
   */
  constructor(url, bearer) {
    this.url = url;
    this.nextId = 1;
    /** @type {Record<string, string>} the same for every echo call */
    this.headers = {
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": STATELESS_VERSION,
      "mcp-method": "tools/call",
      "mcp-name": ECHO_TOOL,
      ...(bearer && { authorization: `Bearer ${bearer}` }),
    };
  }

  /**
   * A 2026-07-28 caller has nothing to open; it sends its first call at once. That first call
   * is what makes the gateway start a bridge session (and its echo server) when none is free,
   * as initialize does for a 2025 session, so it goes here, before the clock, as initialize
   * does in McpSession: the measured calls then compare steady state with steady state.
   */
  async open() {
    const echoed = await this.echo("open");
    if (echoed !== "open") throw new Error(`first call: sent "open", got "${echoed}"`);
  }

  /**
   * Calls the `echo` tool and returns the text it answered with.
   * @param {string} text
   * @returns {Promise<string | undefined>}
   */
  async echo(text) {
    const id = this.nextId++;
    const response = await fetch(this.url, {
      method: "POST",
      headers: this.headers,
      body: BODY_HEAD + id + BODY_ARGS + JSON.stringify(text) + BODY_TAIL,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`tools/call: HTTP ${response.status} ${body.slice(0, 200)}`);
    const result = extractResult(response.headers.get("content-type"), body, id);
    const answer = result.content?.[0]?.text;
    if (result.isError) throw new Error(`echo tool error: ${answer}`);
    if (result.resultType !== "complete") {
      throw new Error(`tools/call: resultType ${result.resultType}, expected complete`);
    }
    return answer;
  }

  /** Nothing to close: the caller holds no session. */
  async close() {}
}
