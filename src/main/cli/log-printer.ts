import {
  accessLogFields,
  accessLogRecord,
  type AccessLogField,
} from "../gateway/access-log-fields";
import type { GatewayEvent, NoticeEvent, RequestEvent, TargetEvent } from "../gateway/log-event";
import type { LogBus } from "../gateway/log-bus";

export type LogFormat = "text" | "json";

/**
 * Prints one line per gateway event, in agentgateway's access-log shape
 * (`<time>\tinfo\trequest k=v ... duration=3ms`) or as JSON lines. Lines are gathered and
 * written once per turn of the event loop, so a busy gateway makes one write, not one per call.
 * The bus has bounded every value and escaped its control characters, so a line is printed as
 * the event says. A request line shows what `accessLog` made of it (fields added, fields
 * removed), and a request its filter left out is not printed.
 */
export function printEvents(
  bus: LogBus,
  out: NodeJS.WritableStream,
  format: LogFormat,
): () => void {
  let pending: string[] = [];
  const flush = () => {
    out.write(pending.join(""));
    pending = [];
  };
  const unsubscribe = bus.subscribe((event) => {
    if (event.kind === "request" && event.filteredOut) return;
    if (pending.length === 0) setImmediate(flush);
    pending.push((format === "json" ? formatJson(event) : formatText(event)) + "\n");
  });
  return () => {
    unsubscribe();
    if (pending.length) flush();
  };
}

function formatJson(event: GatewayEvent): string {
  return JSON.stringify(event.kind === "request" ? accessLogRecord(event) : event);
}

function formatText(event: GatewayEvent): string {
  switch (event.kind) {
    case "request":
      return formatRequest(event);
    case "notice":
      return formatNotice(event);
    case "target":
      return formatTarget(event);
  }
}

function formatRequest(e: RequestEvent): string {
  const level = e.status >= 500 ? "error" : e.status >= 400 ? "warn" : "info";
  return `${new Date(e.time).toISOString()}\t${level}\trequest ${keyValues(accessLogFields(e))}`;
}

/**
 * A notice that spans lines prints its later lines indented, so that every line that starts at
 * the margin is an entry of its own and no message can pass for one.
 */
function formatNotice(e: NoticeEvent): string {
  const where = keyValues([
    ["target", e.target],
    ["mcp.session.id", e.session],
  ]);
  const message = e.message.replaceAll("\n", "\n\t");
  return `${new Date(e.time).toISOString()}\t${e.level}\t${message}${where ? ` ${where}` : ""}`;
}

/** Like a notice: `target demo up`, with the error when it failed (its stderr was printed already). */
function formatTarget(e: TargetEvent): string {
  const level = e.state === "failed" ? "error" : "info";
  const error = e.error ? `: ${e.error}` : "";
  const where = keyValues([["mcp.session.id", e.session]]);
  return `${new Date(e.time).toISOString()}\t${level}\ttarget ${e.target} ${e.state}${error} ${where}`;
}

function keyValues(fields: readonly AccessLogField[]): string {
  return fields
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "string" && /[\s"=]/.test(value) ? JSON.stringify(value) : value}`,
    )
    .join(" ");
}
