import { setTimeout as sleep } from "node:timers/promises";
import type {
  CallToolResult,
  ProgressNotification,
  ProgressToken,
  Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { NO_ARGUMENTS, textResult, type ConformanceTool } from "./conformance-tool";

/** The pause between the messages a streaming tool sends, so they are seen to arrive apart. */
const STEP_MS = 50;

/**
 * How long test_reconnection holds its result back after dropping the stream. Either way round
 * works: a result that is ready before the client resumes is replayed from the event store, one
 * that is not goes out on the resumed stream.
 */
const RESULT_AFTER_DISCONNECT_MS = 100;

/** The progress tool is the same in both eras; only how a notification is sent differs. */
export const PROGRESS_TOOL = {
  name: "test_tool_with_progress",
  description: "Reports progress 0, 50 and 100 of 100 when the call carries a progress token",
  inputSchema: NO_ARGUMENTS,
} satisfies Tool;

/** What test_tool_with_progress does, given how to send a notification on the call's stream. */
export async function runWithProgress(
  progressToken: ProgressToken | undefined,
  send: (notification: ProgressNotification) => Promise<void>,
): Promise<CallToolResult> {
  for (const [step, progress] of [0, 50, 100].entries()) {
    if (step > 0) await sleep(STEP_MS);
    if (progressToken === undefined) continue;
    await send({
      method: "notifications/progress",
      params: { progressToken, progress, total: 100 },
    });
  }
  return textResult("Tool with progress executed successfully");
}

/** Tools that send messages on the request's stream while they run. */
export const STREAMING_TOOLS: ConformanceTool[] = [
  {
    definition: {
      name: "test_tool_with_logging",
      description: "Sends three info log messages while it runs",
      inputSchema: NO_ARGUMENTS,
    },
    call: async ({ extra, logger }) => {
      await logger.log(extra, "info", "Tool execution started");
      await sleep(STEP_MS);
      await logger.log(extra, "info", "Tool processing data");
      await sleep(STEP_MS);
      await logger.log(extra, "info", "Tool execution completed");
      return textResult("Tool with logging executed successfully");
    },
  },
  {
    definition: PROGRESS_TOOL,
    call: ({ extra }) =>
      runWithProgress(extra._meta?.progressToken, (notification) =>
        extra.sendNotification(notification),
      ),
  },
  {
    definition: {
      name: "test_reconnection",
      description: "Closes its SSE stream before answering, so the client must resume it",
      inputSchema: NO_ARGUMENTS,
    },
    call: async ({ extra }) => {
      // The transport offers this only when it keeps an event store and the client speaks
      // 2025-11-25 or later, the clients that know to come back with Last-Event-ID.
      extra.closeSSEStream?.();
      await sleep(RESULT_AFTER_DISCONNECT_MS);
      return textResult("Reconnection test completed");
    },
  },
];
