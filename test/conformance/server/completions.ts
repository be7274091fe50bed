import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CompleteRequestSchema,
  ErrorCode,
  McpError,
  type CompleteRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { DATA_TEMPLATE } from "./resources";

type CompleteParams = CompleteRequest["params"];

/** Candidate values per argument, keyed by what the request's `ref` names. */
const CANDIDATES: Record<string, Record<string, readonly string[]>> = {
  "ref/prompt test_prompt_with_arguments": {
    arg1: ["paris", "park", "party"],
    arg2: ["london", "lisbon", "lyon"],
  },
  [`ref/resource ${DATA_TEMPLATE}`]: { id: ["1", "2", "3", "123"] },
};

/**
 * The candidates for the argument being typed, or `undefined` when `ref` names nothing with
 * arguments to complete. Each era's server turns that into its own protocol error.
 */
export function completionValues({ ref, argument }: CompleteParams): string[] | undefined {
  const byArgument = CANDIDATES[refKey(ref)];
  if (byArgument === undefined) return undefined;
  return (byArgument[argument.name] ?? []).filter((value) => value.startsWith(argument.value));
}

export function refKey(ref: CompleteParams["ref"]): string {
  return ref.type === "ref/prompt" ? `${ref.type} ${ref.name}` : `${ref.type} ${ref.uri}`;
}

export function registerCompletions(server: Server): void {
  server.setRequestHandler(CompleteRequestSchema, ({ params }) => {
    const values = completionValues(params);
    if (values === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Nothing to complete for ${refKey(params.ref)}`);
    }
    return { completion: { values, total: values.length, hasMore: false } };
  });
}
