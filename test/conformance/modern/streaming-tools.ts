import { textResult } from "../server/conformance-tool";
import { PROGRESS_TOOL, runWithProgress } from "../server/streaming-tools";
import type { ModernTool } from "./modern-tool";

/** Tools that send notifications on their call's response stream while they run. */
export const STREAMING_TOOLS: readonly ModernTool[] = [
  {
    name: PROGRESS_TOOL.name,
    description: PROGRESS_TOOL.description,
    call: (ctx) =>
      runWithProgress(ctx.mcpReq._meta?.progressToken, (notification) =>
        ctx.mcpReq.notify(notification),
      ),
  },
  {
    name: "test_logging_tool",
    description: "Logs while it runs, if the request set a log level in its _meta",
    call: async (ctx) => {
      // Logging is deprecated by 2026-07-28 (SEP-2577) but still specified: a message goes out
      // only for a request whose _meta asks for a level, and the SDK's `log` enforces that.
      await ctx.mcpReq.log("info", "test_logging_tool is running");
      return textResult("Logged, where the request asked for it");
    },
  },
];
