import { PostReply, SseStream } from "./client-sink";
import { callOrigin, sessionOwner, rejectExchange, sessionOr404, type Exchange } from "./exchange";
import { ErrorCode, isRequest, type RpcMessage } from "./jsonrpc";
import { headerMismatch } from "./mcp-headers";
import { acceptsJsonAndEventStream } from "./media-type";
import { isStateless } from "./modern-envelope";
import { parseMessages } from "./parse-messages";
import { REQUEST_TIMEOUT } from "../policies/timeout";
import { expireAtDeadline } from "./request-deadline";
import { RelaySession } from "./session";
import { NO_SESSIONS, serveSessionless } from "./sessionless";

/** The Streamable HTTP transport (MCP 2025-03-26 and later), as the client sees it. */
export async function serveStreamableHttp(ex: Exchange): Promise<void> {
  if (ex.req.method !== "POST" && ex.route.backend.statefulMode === "stateless") {
    rejectExchange(ex, 405, ErrorCode.InvalidRequest, NO_SESSIONS, { headers: { Allow: "POST" } });
    return;
  }
  switch (ex.req.method) {
    case "POST":
      return post(ex);
    case "GET":
      return openStream(ex);
    case "DELETE":
      return endSession(ex);
    default:
      rejectExchange(
        ex,
        405,
        ErrorCode.InvalidRequest,
        `method ${ex.req.method} is not allowed here`,
        { headers: { Allow: "GET, POST, DELETE" } },
      );
  }
}

async function post(ex: Exchange): Promise<void> {
  // The spec has a POST's client accept both forms, as the gateway picks one per answer: plain
  // JSON, or a stream when progress or a server request must come first.
  if (!acceptsJsonAndEventStream(ex.req.headers.accept)) {
    rejectExchange(
      ex,
      406,
      ErrorCode.InvalidRequest,
      "a POST needs Accept: application/json, text/event-stream",
    );
    return;
  }
  const body = await parseMessages(ex);
  if (!body) return;
  const { messages, batch } = body;
  const [first] = messages as [RpcMessage];
  const stateless =
    ex.req.headers["mcp-session-id"] === undefined && isStateless(ex.req.headers, first);
  if (stateless) {
    if (batch) {
      rejectExchange(
        ex,
        400,
        ErrorCode.InvalidRequest,
        "2026-07-28 requests are sent one per POST, not in a batch",
      );
      return;
    }
    return ex.stateless.serve(ex, first);
  }
  const mismatch = batch
    ? mirroredHeaders(ex) && "Mcp-Method and Mcp-Name name one request; a batch carries several"
    : headerMismatch(ex.req.headers, first, false);
  if (mismatch) {
    rejectExchange(ex, 400, ErrorCode.HeaderMismatch, `Header mismatch: ${mismatch}`, {
      id: first.id,
      log: { method: first.method, denied: true },
    });
    return;
  }
  if (ex.route.backend.statefulMode === "stateless") return serveSessionless(ex, messages, batch);

  let session: RelaySession | undefined;
  let created: string | undefined;
  if (messages.some((message) => message.method === "initialize")) {
    if (messages.length > 1) {
      rejectExchange(ex, 400, ErrorCode.InvalidRequest, "initialize must be sent on its own");
      return;
    }
    session = new RelaySession(ex.route, ex.sessionContext, (s) => ex.sessions.delete(s));
    ex.sessions.add(session, sessionOwner(ex));
    created = session.id;
  } else {
    session = findSession(ex);
    if (!session) return;
  }

  const origin = callOrigin(ex, 200);
  let requests = 0;
  for (const message of messages) if (isRequest(message)) requests++;
  if (requests === 0) {
    for (const message of messages) session.handle(message, undefined, origin);
    ex.res.writeHead(202, ex.headers).end();
    ex.report(202, { method: messages[0]?.method, session: session.id });
    return;
  }
  const reply = new PostReply(ex.res, requests, batch, ex.headers, created);
  for (const message of messages) session.handle(message, reply, origin);
  const carrier = session;
  expireAtDeadline(ex.res, ex.deadline, () => {
    reply.status = REQUEST_TIMEOUT.status;
    carrier.timeOut(reply, REQUEST_TIMEOUT);
  });
}

/** The GET stream carries what the targets send outside of any call (list changes, logging). */
function openStream(ex: Exchange): void {
  if (!ex.req.headers.accept?.includes("text/event-stream")) {
    rejectExchange(ex, 406, ErrorCode.InvalidRequest, "GET needs Accept: text/event-stream");
    return;
  }
  const session = findSession(ex);
  if (!session) return;
  if (session.hasStream) {
    rejectExchange(ex, 409, ErrorCode.InvalidRequest, "this session already has an open stream");
    return;
  }
  const stream = new SseStream(ex.res, ex.headers, () => session.detachStream(stream));
  session.attachStream(stream);
  ex.report(200, { session: session.id });
}

function endSession(ex: Exchange): void {
  const session = findSession(ex);
  if (!session) return;
  // The targets wind down in the background: a stdio server gets time to exit on its own.
  void session.close();
  ex.res.writeHead(202, ex.headers).end();
  ex.report(202, { session: session.id });
}

function findSession(ex: Exchange): RelaySession | undefined {
  const id = ex.req.headers["mcp-session-id"];
  if (typeof id !== "string") {
    rejectExchange(
      ex,
      400,
      ErrorCode.InvalidRequest,
      "Mcp-Session-Id header is required: send initialize first",
    );
    return undefined;
  }
  return sessionOr404(ex, id);
}

const mirroredHeaders = (ex: Exchange): boolean =>
  ex.req.headers["mcp-method"] !== undefined || ex.req.headers["mcp-name"] !== undefined;
