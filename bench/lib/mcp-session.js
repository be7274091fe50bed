// A hand-written Streamable HTTP MCP client session on plain `fetch`. It is deliberately not
// the SDK Client: it does the minimum per call, so the client costs little and is identical
// for every system under test.
import { extractResult } from "./jsonrpc-response.js";

const PROTOCOL_VERSION = "2025-06-18";
const REQUEST_TIMEOUT_MS = 10_000;

export class McpSession {
  /**
   * @param {string} url the MCP endpoint, e.g. http://127.0.0.1:3000/mcp
   * @param {string} [bearer] a token sent as `Authorization: Bearer`, for gateways that want one
   */
  constructor(url, bearer) {
    this.url = url;
    this.bearer = bearer;
    /** @type {string | undefined} */
    this.sessionId = undefined;
    this.protocolVersion = PROTOCOL_VERSION;
    this.nextId = 1;
    /** @type {Record<string, string> | undefined} a POST's headers, built once the session is open */
    this.postHeaders = undefined;
  }

  /** Initializes the session and sends notifications/initialized. */
  async open() {
    const { result, response } = await this.#request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "gatehouse-bench", version: "1.0.0" },
    });
    this.sessionId = response.headers.get("mcp-session-id") ?? undefined;
    this.protocolVersion = result.protocolVersion ?? PROTOCOL_VERSION;
    this.postHeaders = { ...this.#headers(), "content-type": "application/json" };
    const notified = await this.#post({ jsonrpc: "2.0", method: "notifications/initialized" });
    await notified.arrayBuffer();
    if (!notified.ok) throw new Error(`notifications/initialized: HTTP ${notified.status}`);
  }

  /**
   * Calls the `echo` tool and returns the text it answered with.
   * @param {string} text
   * @returns {Promise<string | undefined>}
   */
  async echo(text) {
    const result = await this.callTool("echo", { text });
    const answer = result.content?.[0]?.text;
    if (result.isError) throw new Error(`echo tool error: ${answer}`);
    return answer;
  }

  /**
   * Calls a tool; rejects on an HTTP or JSON-RPC error.
   * @param {string} name
   * @param {object} args
   * @returns {Promise<any>} the call's result
   */
  async callTool(name, args) {
    const { result } = await this.#request("tools/call", { name, arguments: args });
    return result;
  }

  /** Ends the session. A 405 is allowed: servers may refuse client-initiated termination. */
  async close() {
    if (!this.sessionId) return;
    const response = await fetch(this.url, {
      method: "DELETE",
      headers: this.#headers(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    if (!response.ok && response.status !== 405) throw new Error(`DELETE: HTTP ${response.status}`);
  }

  /** @param {string} method @param {object} params */
  async #request(method, params) {
    const id = this.nextId++;
    const response = await this.#post({ jsonrpc: "2.0", id, method, params });
    const body = await response.text();
    if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${body.slice(0, 200)}`);
    return { result: extractResult(response.headers.get("content-type"), body, id), response };
  }

  /** @param {object} message */
  #post(message) {
    return fetch(this.url, {
      method: "POST",
      headers: this.postHeaders ?? { ...this.#headers(), "content-type": "application/json" },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  #headers() {
    /** @type {Record<string, string>} */
    const headers = { accept: "application/json, text/event-stream" };
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.sessionId) {
      headers["mcp-session-id"] = this.sessionId;
      headers["mcp-protocol-version"] = this.protocolVersion;
    }
    return headers;
  }
}
