import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";

/** A web-standard handler: the shape of the SDK's `createMcpHandler(...).fetch`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * A `node:http` request listener that serves each request with `handle`. Request URLs are
 * resolved against `origin`, the server's own address, never against the `Host` header, which
 * the client chooses (and which the DNS-rebinding guard must still see as the client sent it).
 *
 * A client that goes away aborts its request's signal: the SDK then ends the exchange, which
 * matters for streams that would otherwise stay open, such as `subscriptions/listen`.
 */
export function fetchListener(origin: string, handle: FetchHandler): RequestListener {
  return (req, res) => {
    serve(req, res, origin, handle).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  handle: FetchHandler,
): Promise<void> {
  const clientGone = new AbortController();
  res.once("close", () => clientGone.abort());
  const method = req.method ?? "GET";
  const response = await handle(
    new Request(new URL(req.url ?? "/", origin), {
      method,
      headers: headersOf(req),
      // MCP bodies are single JSON-RPC messages: reading one whole keeps this bridge simple.
      body: method === "GET" || method === "HEAD" ? undefined : await buffer(req),
      signal: clientGone.signal,
    }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) return void res.end();
  // A client that leaves mid-stream ends the pipeline early; that is its right, not an error.
  await pipeline(Readable.fromWeb(response.body), res).catch(() => undefined);
}

/** Every header as sent; Node joins most repeated ones, but keeps e.g. `set-cookie` a list. */
function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(req.headers)) {
    for (const value of [values ?? []].flat()) headers.append(name, value);
  }
  return headers;
}
