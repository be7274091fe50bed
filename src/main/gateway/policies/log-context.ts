import type { RequestEvent } from "../log-event";
import type { CelContext } from "./cel";

/** What a call's `mcp` holds for log expressions: its method and session, and its item. */
interface LoggedCall {
  methodName: string;
  sessionId?: string;
  tool?: { name: string; target: string };
  prompt?: { name: string; target: string };
  resource?: { uri: string; target: string };
}

/**
 * What access-log and span expressions see, as agentgateway's logging context has it: the
 * request as rules see it, the answer's `response.code`, and for a call `mcp.methodName`,
 * `mcp.sessionId` and its tool, prompt or resource.
 */
export type LogContext = Omit<CelContext, "mcp"> & {
  response: { code: bigint };
  mcp?: LoggedCall;
};

/**
 * The request's part of every log context, built once per request: the rules' context less the
 * Authorization header, which no log or span may carry (a rule's context keeps an unverified
 * one, which a field could otherwise copy out).
 */
export function loggedRequest(context: CelContext): CelContext {
  const { headers } = context.request;
  if (headers.authorization === undefined) return context;
  const withoutToken = { ...headers };
  delete withoutToken.authorization;
  return { ...context, request: { ...context.request, headers: withoutToken } };
}

/** The log context of one event, from its request's part (`loggedRequest`). */
export function logContext(request: CelContext, event: RequestEvent): LogContext {
  // A rule's `mcp` (the item mcpAuthorization last decided on) gives way to the call's.
  return { ...request, response: { code: BigInt(event.status) }, mcp: loggedCall(event) };
}

function loggedCall(e: RequestEvent): LoggedCall | undefined {
  if (e.method === undefined) return undefined;
  const call: LoggedCall = { methodName: e.method };
  if (e.session !== undefined) call.sessionId = e.session;
  if (e.name === undefined || e.target === undefined) return call;
  const target = e.target;
  if (e.method.startsWith("tools/")) call.tool = { name: e.name, target };
  else if (e.method.startsWith("prompts/")) call.prompt = { name: e.name, target };
  else call.resource = { uri: e.name, target };
  return call;
}
