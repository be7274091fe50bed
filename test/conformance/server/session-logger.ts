import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  LoggingLevelSchema,
  SetLevelRequestSchema,
  type LoggingLevel,
} from "@modelcontextprotocol/sdk/types.js";
import type { ToolCallExtra } from "./conformance-tool";

/** Least to most severe, as the spec orders them. */
const LEVELS_BY_SEVERITY: readonly LoggingLevel[] = LoggingLevelSchema.options;

/**
 * Log notifications for one session, filtered by the level the client set with
 * `logging/setLevel` (everything until it sets one).
 *
 * It answers `logging/setLevel` itself, in place of the SDK's built-in handler: that one keeps
 * the level where only `Server.sendLoggingMessage` can read it, and that method cannot tie a
 * message to the request it belongs to, so the message would travel on the standalone stream
 * instead of the request's own and could arrive after the result.
 */
export class SessionLogger {
  private threshold: LoggingLevel | undefined;

  constructor(server: Server) {
    server.setRequestHandler(SetLevelRequestSchema, (request) => {
      this.threshold = request.params.level;
      return {};
    });
  }

  /** Sends `data` on the stream of the request `extra` belongs to, unless its level is muted. */
  async log(extra: ToolCallExtra, level: LoggingLevel, data: string): Promise<void> {
    if (this.threshold !== undefined && severity(level) < severity(this.threshold)) return;
    await extra.sendNotification({
      method: "notifications/message",
      params: { level, logger: "conformance-server", data },
    });
  }
}

function severity(level: LoggingLevel): number {
  return LEVELS_BY_SEVERITY.indexOf(level);
}
