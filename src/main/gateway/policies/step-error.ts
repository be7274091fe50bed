import type { Answer, PolicyRequest } from "./policy";

/**
 * An error a request step answers with in place of the targets. An MCP client's POST gets a
 * JSON-RPC error it can show, with id null: steps run before the relay reads the body. Any
 * other request gets agentgateway's plain text.
 */
export function stepError(
  request: PolicyRequest,
  status: number,
  error: { code: number; message: string; text: string },
  headers: Record<string, string> = {},
): Answer {
  if (request.req.method !== "POST") {
    return {
      status,
      headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
      body: error.text,
    };
  }
  const { code, message } = error;
  return {
    status,
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }),
  };
}
