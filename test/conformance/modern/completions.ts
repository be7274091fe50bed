import { ProtocolError, ProtocolErrorCode, type McpServer } from "@modelcontextprotocol/server";
import { completionValues, refKey } from "../server/completions";

/**
 * `completion/complete` from the candidates shared with the 2025 server. Registered on the
 * low-level server: `McpServer` completes only arguments whose schemas it built itself.
 */
export function registerCompletions(server: McpServer): void {
  server.server.setRequestHandler("completion/complete", ({ params }) => {
    const values = completionValues(params);
    if (values === undefined) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Nothing to complete for ${refKey(params.ref)}`,
      );
    }
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
