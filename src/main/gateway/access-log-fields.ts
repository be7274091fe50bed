import type { AccessLogValue, RequestEvent } from "./log-event";

/** One field of an access-log line: its name as agentgateway writes it, and its value. */
export type AccessLogField = readonly [name: string, value: AccessLogValue | undefined];

/**
 * A request event as agentgateway's access log names its fields (`http.status`, `jwt.sub`,
 * `mcp.method.name`, `gen_ai.tool.name`, ...), in agentgateway's order: what the printed line
 * shows, what `accessLog.remove` and `tracing.remove` name, and the attributes of its span. Fields
 * without a value are left out.
 */
export function requestFields(e: RequestEvent): AccessLogField[] {
  const fields: AccessLogField[] = [
    ["route", e.route],
    ["http.method", e.httpMethod],
    ["http.path", e.path],
    ["http.status", e.status],
    ["trace.id", e.traceId],
    ["span.id", e.spanId],
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
  return fields.filter((field) => field[1] !== undefined);
}

/** Tool and prompt names and resource URIs under the names agentgateway logs them with. */
function itemFields(e: RequestEvent): AccessLogField[] {
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
 * The fields of the event's access-log line: its own, less those `accessLog.remove` names, then
 * those `accessLog.add` computed (an added field of the same name takes the place of the
 * event's own, as in agentgateway).
 */
export function accessLogFields(e: RequestEvent): AccessLogField[] {
  const { removed, fields: added } = e;
  if (!removed && !added) return requestFields(e);
  const own = requestFields(e).filter(
    ([name]) => !removed?.includes(name) && (added === undefined || !Object.hasOwn(added, name)),
  );
  return added ? [...own, ...Object.entries(added)] : own;
}

/** The event property each access-log field shows, where it shows one as it is. */
const PROPERTY_OF: Readonly<Record<string, keyof RequestEvent>> = {
  route: "route",
  "http.method": "httpMethod",
  "http.path": "path",
  "http.status": "status",
  "trace.id": "traceId",
  "span.id": "spanId",
  "jwt.sub": "subject",
  "jwt.iss": "issuer",
  "jwt.sub.unverified": "unverifiedSubject",
  "jwt.iss.unverified": "unverifiedIssuer",
  "mcp.method.name": "method",
  "mcp.target": "target",
  "gen_ai.tool.name": "name",
  "gen_ai.prompt.name": "name",
  "mcp.resource.uri": "name",
  "mcp.session.id": "session",
  error: "error",
  reason: "reason",
  duration: "durationMs",
};

/**
 * The event as a JSON access-log line holds it: without the properties of the fields
 * `accessLog.remove` names, and without the list itself.
 */
export function accessLogRecord(e: RequestEvent): Partial<RequestEvent> {
  const { removed } = e;
  if (!removed) return e;
  const left = new Set(removed.map((name) => PROPERTY_OF[name]));
  return Object.fromEntries(
    Object.entries(e).filter(([key]) => key !== "removed" && !left.has(key as keyof RequestEvent)),
  );
}
