import type { IncomingMessage, ServerResponse } from "node:http";
import type { DispatchResult } from "../../shared/ui-bridge";
import type { Dispatch } from "../app/api/dispatch";

/**
 * Above the largest argument list (10 Kubernetes resource files of 1 MiB each, which the
 * dispatcher then checks one by one), with room for the JSON escaping of YAML text.
 */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `POST /api/call` with `{ method, args }`: the dispatcher validates and runs it, and its
 * DispatchResult is the answer. Only JSON bodies are read: a form on another site cannot send
 * one without a CORS preflight, which this server never grants.
 */
export async function answerApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  dispatch: Dispatch,
): Promise<void> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    return reply(res, 415, { ok: false, error: "the body must be JSON (application/json)" });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return reply(res, 400, { ok: false, error: bodyProblem(error as Error) });
  }
  const { method, args } = (body ?? {}) as { method?: unknown; args?: unknown };
  reply(res, 200, await dispatch(method, args));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("the request body is too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function bodyProblem(error: Error): string {
  return error instanceof SyntaxError ? `the body is not JSON: ${error.message}` : error.message;
}

function reply(res: ServerResponse, status: number, result: DispatchResult): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(result));
}
