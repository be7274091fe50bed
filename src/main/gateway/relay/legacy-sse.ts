import { SseStream } from "./client-sink";
import { callOrigin, sessionOwner, sessionOr404, type Exchange } from "./exchange";
import { isRequest } from "./jsonrpc";
import { parseMessages } from "./parse-messages";
import { RelaySession } from "./session";

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05): a GET on `.../sse` opens the session's only
 * stream and names the endpoint to POST messages to (`.../sse?sessionId=`, as agentgateway
 * does; `.../message?sessionId=`, which other servers use, works too). Every answer travels on
 * the stream.
 */
export function isLegacySse(ex: Exchange): boolean {
  if (ex.req.method === "GET") return ex.path.endsWith("/sse");
  return (
    ex.req.method === "POST" &&
    ex.query.includes("sessionId=") &&
    (ex.path.endsWith("/sse") || ex.path.endsWith("/message"))
  );
}

export async function serveLegacySse(ex: Exchange): Promise<void> {
  return ex.req.method === "GET" ? openSession(ex) : receive(ex);
}

function openSession(ex: Exchange): void {
  const session = new RelaySession(ex.route, ex.sessionContext, (s) => ex.sessions.delete(s));
  ex.sessions.add(session, sessionOwner(ex));
  const stream = new SseStream(ex.res, ex.headers, () => void session.close());
  session.attachStream(stream);
  stream.sendEndpoint(`${ex.path}?sessionId=${session.id}`);
  ex.report(200, { session: session.id });
}

async function receive(ex: Exchange): Promise<void> {
  const session = sessionOr404(ex, new URLSearchParams(ex.query).get("sessionId") ?? "");
  if (!session) return;
  const body = await parseMessages(ex);
  if (!body) return;
  const origin = callOrigin(ex, 202);
  ex.res.writeHead(202, ex.headers).end("Accepted");
  for (const message of body.messages) session.handle(message, undefined, origin);
  if (!body.messages.some(isRequest)) {
    ex.report(202, { method: body.messages[0]?.method, session: session.id });
  }
}
