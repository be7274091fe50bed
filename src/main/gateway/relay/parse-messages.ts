import { clientMessageProblem } from "./client-message";
import { rejectExchange, type Exchange } from "./exchange";
import { ErrorCode, MAX_MESSAGE_BYTES, type RpcMessage } from "./jsonrpc";
import { isJsonContent } from "./media-type";
import { requestBody } from "../request-body";

export interface ParsedBody {
  messages: RpcMessage[];
  /** The client sent a JSON array, so its responses go back as one. */
  batch: boolean;
}

/**
 * Reads and parses a POST body once, and checks every message in it before any is relayed: one
 * bad message refuses the whole body, so that nothing of a hostile batch reaches a target. On
 * failure it answers the client and returns undefined.
 */
export async function parseMessages(ex: Exchange): Promise<ParsedBody | undefined> {
  if (!isJsonContent(ex.req.headers["content-type"])) {
    rejectExchange(
      ex,
      415,
      ErrorCode.InvalidRequest,
      "messages must be sent as Content-Type: application/json",
    );
    return undefined;
  }
  const body = await requestBody(ex.req);
  if (body === undefined) {
    rejectExchange(
      ex,
      413,
      ErrorCode.InvalidRequest,
      `message body is larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB`,
    );
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    rejectExchange(
      ex,
      400,
      ErrorCode.ParseError,
      `body is not valid JSON: ${(error as Error).message}`,
    );
    return undefined;
  }
  const batch = Array.isArray(parsed);
  const messages = batch ? (parsed as unknown[]) : [parsed];
  if (messages.length === 0) {
    rejectExchange(ex, 400, ErrorCode.InvalidRequest, "the batch is empty");
    return undefined;
  }
  for (let i = 0; i < messages.length; i++) {
    const problem = clientMessageProblem(messages[i]);
    if (!problem) continue;
    const method = (messages[i] as { method?: unknown }).method;
    const log = problem.evasion ? { denied: true, method: method as string } : {};
    rejectExchange(ex, 400, ErrorCode.InvalidRequest, `message ${i + 1}: ${problem.reason}`, {
      log,
    });
    return undefined;
  }
  return { messages: messages as RpcMessage[], batch };
}
