import type { ServerResponse } from "node:http";
import type { RpcMessage } from "./jsonrpc";

/** Where the relay writes messages for one client: a POST's answer or an open SSE stream. */
export interface ClientSink {
  send(message: RpcMessage): void;
  /** A response that was due will never come (the client cancelled its request). */
  abandon(): void;
  readonly open: boolean;
  /** Set by the session: told when the client goes away before every answer due went out. */
  onClientGone?: (sink: ClientSink) => void;
}

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
} as const;

/** Comment lines keep idle streams from being closed by clients and proxies in between. */
const KEEPALIVE_MS = 25_000;

const sseEvent = (message: RpcMessage): string =>
  `event: message\ndata: ${JSON.stringify(message)}\n\n`;

/**
 * The answer to one Streamable HTTP POST that carried requests. It waits as plain JSON while
 * only responses are due, which is the cheapest answer, and switches to an SSE stream the
 * moment something else must reach the client first (progress, logging, a sampling request).
 */
export class PostReply implements ClientSink {
  onClientGone?: (sink: ClientSink) => void;
  /** The HTTP status of a plain JSON answer; a 2026-07-28 request error is a 400. */
  status = 200;
  private pending: number;
  private readonly batched: RpcMessage[] = [];
  private streaming = false;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    responsesDue: number,
    private readonly asBatch: boolean,
    private readonly headers: Record<string, string>,
    /** The session an initialize created: named only in a successful answer. */
    private readonly createdSession?: string,
  ) {
    this.pending = responsesDue;
    // After the last answer went out, 'close' is the end of a response like any other.
    res.once("close", () => {
      if (this.ended) return;
      this.ended = true;
      this.onClientGone?.(this);
    });
  }

  get open(): boolean {
    return !this.ended;
  }

  send(message: RpcMessage): void {
    if (this.ended) return;
    const isAnswer = message.method === undefined;
    if (!isAnswer && !this.streaming) this.startStream();
    if (this.streaming) {
      this.res.write(sseEvent(message));
    } else {
      this.batched.push(message);
    }
    if (isAnswer && --this.pending === 0) this.finish();
  }

  abandon(): void {
    if (!this.ended && --this.pending === 0) this.finish();
  }

  private startStream(): void {
    this.streaming = true;
    // Progress on an initialize streams before its outcome is known: the session is named.
    const session = this.createdSession && { "Mcp-Session-Id": this.createdSession };
    this.res.writeHead(200, { ...this.headers, ...session, ...SSE_HEADERS });
    for (const message of this.batched) this.res.write(sseEvent(message));
    this.batched.length = 0;
  }

  private finish(): void {
    this.ended = true;
    if (this.streaming) {
      this.res.end();
      return;
    }
    if (this.batched.length === 0) {
      this.res.writeHead(202, this.headers).end();
      return;
    }
    const body = JSON.stringify(this.asBatch ? this.batched : this.batched[0]);
    const headers: Record<string, string> = { ...this.headers, "Content-Type": "application/json" };
    if (this.createdSession && this.batched[0]?.result) {
      headers["Mcp-Session-Id"] = this.createdSession;
    }
    this.res.writeHead(this.status, headers);
    this.res.end(body);
  }
}

/** A long-lived SSE stream: the Streamable HTTP GET stream, or a legacy SSE session. */
export class SseStream implements ClientSink {
  private ended = false;
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string>,
    onClose: () => void,
  ) {
    res.writeHead(200, { ...headers, ...SSE_HEADERS });
    res.flushHeaders();
    this.keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
    this.keepalive.unref();
    res.once("close", () => {
      this.ended = true;
      clearInterval(this.keepalive);
      onClose();
    });
  }

  get open(): boolean {
    return !this.ended;
  }

  send(message: RpcMessage): void {
    if (!this.ended) this.res.write(sseEvent(message));
  }

  abandon(): void {}

  /** The legacy SSE transport announces where the client must POST its messages. */
  sendEndpoint(url: string): void {
    this.res.write(`event: endpoint\ndata: ${url}\n\n`);
  }

  close(): void {
    if (!this.ended) this.res.end();
  }
}
