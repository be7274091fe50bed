import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { isRpcMessage, MAX_MESSAGE_BYTES, type RpcId, type RpcMessage } from "./jsonrpc";
import { nameHeader } from "./mcp-headers";
import { isEventStreamContent, isJsonContent } from "./media-type";
import { META } from "./modern-envelope";
import { readBounded } from "./read-bounded";
import { OversizedEventError, SseDecoder } from "./sse-decoder";
import { OversizedMessageError } from "./stdio-transport";

export interface ModernSendOptions extends TransportSendOptions {
  /** Headers of this POST beyond the protocol's own: the client's `Mcp-Param-*` ones. */
  headers?: Record<string, string>;
}

/** The only headers a caller may add: a target's tool may ask for its arguments in them. */
const PARAM_HEADER = /^mcp-param-/i;

/**
 * Streamable HTTP as 2026-07-28 has it, toward a target: each request is a POST of its own
 * that also names its method and item in headers, answered by one JSON body or by an SSE stream
 * of the request's notifications that ends with the answer. No session, no GET stream, no
 * resumption. Cancelling a request is closing its response, which is what a
 * `notifications/cancelled` sent here does; other notifications have no place in this revision.
 */
export class ModernHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** The requests whose response is still open, by id. */
  private readonly open = new Map<RpcId, AbortController>();

  constructor(
    private readonly url: URL,
    private readonly fetchWith: typeof fetch,
  ) {}

  async start(): Promise<void> {}

  /** Settles when the request's exchange is over: answered, or failed with the reason. */
  async send(message: JSONRPCMessage, options?: ModernSendOptions): Promise<void> {
    const rpc = message as unknown as RpcMessage;
    if (rpc.id === undefined || rpc.method === undefined) {
      if (rpc.method === "notifications/cancelled") {
        this.open.get(rpc.params?.requestId as RpcId)?.abort();
      }
      return;
    }
    const id = rpc.id;
    const abort = new AbortController();
    this.open.set(id, abort);
    try {
      const response = await this.fetchWith(this.url, {
        method: "POST",
        headers: postHeaders(rpc, options?.headers),
        body: JSON.stringify(rpc),
        signal: abort.signal,
        // A POST that moved is an error to report, not a GET to make elsewhere with the token.
        redirect: "manual",
      });
      await this.read(response, id);
    } finally {
      this.open.delete(id);
    }
  }

  /** Closes every open response: the target stops working on those requests. */
  async close(): Promise<void> {
    for (const abort of this.open.values()) abort.abort();
    this.open.clear();
    this.onclose?.();
  }

  /**
   * Hands on what the response to request `id` carries. An error status usually comes with a
   * JSON-RPC error, which is then the answer; anything without an answer is a failure.
   */
  private async read(response: Response, id: RpcId): Promise<void> {
    const type = response.headers.get("content-type") ?? undefined;
    if (response.ok && isEventStreamContent(type) && response.body) {
      if (await this.readEvents(response.body, id)) return;
      throw new Error("its response stream ended without an answer");
    }
    if (isJsonContent(type)) {
      const body = await readAtMost(response, MAX_MESSAGE_BYTES);
      if (body === undefined) return this.refuseOversized(id);
      if (this.answer(parse(body), id)) return;
    } else {
      await response.body?.cancel();
    }
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trimEnd());
  }

  /**
   * Reads an SSE response until it brings the answer, or an event too large to take; false
   * when it ends without either.
   */
  private async readEvents(body: ReadableStream<Uint8Array>, id: RpcId): Promise<boolean> {
    let answered = false;
    const events = new SseDecoder(MAX_MESSAGE_BYTES, (data) => {
      const message = parse(data);
      if (message?.method !== undefined) this.onmessage?.(message as unknown as JSONRPCMessage);
      else answered ||= this.answer(message, id);
    });
    try {
      // Leaving the loop cancels the body: a target may keep a stream open after its answer.
      for await (const chunk of body) {
        events.push(chunk);
        if (answered) break;
      }
    } catch (error) {
      if (!(error instanceof OversizedEventError)) throw error;
      this.refuseOversized(id);
      return true;
    }
    return answered;
  }

  /** The answer to `id` was beyond the limit: the request fails, saying so. */
  private refuseOversized(id: RpcId): void {
    this.onerror?.(new OversizedMessageError(typeof id === "number" ? id : undefined));
  }

  /**
   * Delivers the answer to request `id`: a response without an id (an HTTP error's body) is
   * taken for it, one with another id is not the answer, so that a target cannot settle
   * requests of other exchanges.
   */
  private answer(message: RpcMessage | undefined, id: RpcId): boolean {
    if (message === undefined || message.method !== undefined) return false;
    if (message.id === undefined || (message.id as unknown) === null) message.id = id;
    else if (message.id !== id) return false;
    this.onmessage?.(message as unknown as JSONRPCMessage);
    return true;
  }
}

/** The headers of one request: the protocol's, and the caller's `Mcp-Param-*` ones. */
function postHeaders(
  message: RpcMessage,
  extra: Record<string, string> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in extra) {
    if (PARAM_HEADER.test(name)) headers[name.toLowerCase()] = extra[name] as string;
  }
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  headers["content-type"] = "application/json";
  headers.accept = "application/json, text/event-stream";
  headers["mcp-protocol-version"] = String(meta?.[META.protocolVersion]);
  headers["mcp-method"] = message.method as string;
  const name = nameHeader(message);
  if (name !== undefined) headers["mcp-name"] = name;
  return headers;
}

/** A JSON-RPC message from text, or `undefined` when the text is none. */
function parse(text: string): RpcMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRpcMessage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The body as text, or `undefined` when it is longer than `limit` bytes (then left unread). */
async function readAtMost(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get("content-length") ?? 0) > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return "";
  return (await readBounded(response.body, limit))?.toString("utf8");
}
