import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CompleteRequestSchema, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { DATA_TEMPLATE } from "./resources";

/** Candidate values per argument, keyed by what the request's `ref` names. */
const CANDIDATES: Record<string, Record<string, readonly string[]>> = {
  "ref/prompt test_prompt_with_arguments": {
    arg1: ["paris", "park", "party"],
    arg2: ["london", "lisbon", "lyon"],
  },
  [`ref/resource ${DATA_TEMPLATE}`]: { id: ["1", "2", "3", "123"] },
};

export function registerCompletions(server: Server): void {
  server.setRequestHandler(CompleteRequestSchema, ({ params: { ref, argument } }) => {
    const refKey = ref.type === "ref/prompt" ? `${ref.type} ${ref.name}` : `${ref.type} ${ref.uri}`;
    const byArgument = CANDIDATES[refKey];
    if (byArgument === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Nothing to complete for ${refKey}`);
    }
    const values = (byArgument[argument.name] ?? []).filter((value) =>
      value.startsWith(argument.value),
    );
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
