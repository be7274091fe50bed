import type { GatewayEvent, NoticeEvent, RequestEvent, TargetEvent } from "../../shared/log-event";
import type { LogBus } from "../gateway/log-bus";

export type LogFormat = "text" | "json";

/**
 * Prints one line per gateway event, in agentgateway's access-log shape
 * (`<time>\tinfo\trequest k=v ... duration=3ms`) or as JSON lines. Lines are gathered and
 * written once per turn of the event loop, so a busy gateway makes one write, not one per call.
 * The bus has bounded every value and escaped its control characters, so a line is printed as
 * the event says.
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
    if (pending.length === 0) setImmediate(flush);
    pending.push((format === "json" ? JSON.stringify(event) : formatText(event)) + "\n");
  });
  return () => {
    unsubscribe();
    if (pending.length) flush();
  };
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
  const fields: [string, string | number | undefined][] = [
    ["route", e.route],
    ["http.method", e.httpMethod],
    ["http.path", e.path],
    ["http.status", e.status],
    ["jwt.sub", e.subject],
    ["jwt.iss", e.issuer],
    ["jwt.sub.unverified", e.unverifiedSubject],
    ["jwt.iss.unverified", e.unverifiedIssuer],
    ["protocol", e.method ? "mcp" : "http"],
    ["mcp.method.name", e.method],
    ["mcp.target", e.target],
    ...itemFields(e),
    ["mcp.session.id", e.session],
    ["error", e.error],
    ["reason", e.reason],
    ["duration", `${Math.round(e.durationMs)}ms`],
  ];
  return `${new Date(e.time).toISOString()}\t${level}\trequest ${keyValues(fields)}`;
}

/** Tool and prompt names and resource URIs under the keys agentgateway logs them with. */
function itemFields(e: RequestEvent): [string, string | undefined][] {
  if (e.name === undefined || e.method === undefined) return [];
  if (e.method.startsWith("tools/"))
    return [
      ["mcp.resource.type", "tool"],
      ["gen_ai.tool.name", e.name],
    ];
  if (e.method.startsWith("prompts/"))
    return [
      ["mcp.resource.type", "prompt"],
      ["gen_ai.prompt.name", e.name],
    ];
  return [
    ["mcp.resource.type", "resource"],
    ["mcp.resource.uri", e.name],
  ];
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

function keyValues(fields: [string, string | number | undefined][]): string {
  return fields
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === "string" && /[\s"=]/.test(value) ? JSON.stringify(value) : value}`,
    )
    .join(" ");
}
