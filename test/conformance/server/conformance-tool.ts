import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ErrorCode,
  McpError,
  type CallToolResult,
  type ClientCapabilities,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { SessionLogger } from "./session-logger";

export type ToolCallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolCall {
  arguments: Record<string, unknown>;
  extra: ToolCallExtra;
  /** What the client declared at initialize: whether it can sample, elicit, ... */
  clientCapabilities: ClientCapabilities | undefined;
  logger: SessionLogger;
}

/** One tool a scenario calls: what `tools/list` shows of it, and what a call does. */
export interface ConformanceTool {
  definition: Tool;
  call(call: ToolCall): Promise<CallToolResult>;
}

export const NO_ARGUMENTS: Tool["inputSchema"] = { type: "object", properties: {} };

export function textResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }] };
}

/** A failed call as the spec wants tool failures: a result the model can read, not a protocol error. */
export function toolError(text: string): CallToolResult {
  return { ...textResult(text), isError: true };
}

export function stringArgument(call: ToolCall, name: string): string {
  const value = call.arguments[name];
  if (typeof value !== "string") {
    throw new McpError(ErrorCode.InvalidParams, `Argument "${name}" must be a string`);
  }
  return value;
}
