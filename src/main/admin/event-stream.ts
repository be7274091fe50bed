import type { ServerResponse } from "node:http";
import type { UiEvent } from "../../shared/ui-api";

export type Subscribe = (listener: (event: UiEvent) => void) => () => void;

/** Often enough that proxies and browsers do not time an idle stream out. */
const KEEPALIVE_MS = 15_000;

/** Streams UI events to one browser as server-sent events until it disconnects. */
export function streamEvents(res: ServerResponse, subscribe: Subscribe): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
  });
  // A first comment flushes the headers, so the browser's EventSource opens at once.
  res.write(": connected\n\n");
  const unsubscribe = subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
  const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  res.on("close", () => {
    clearInterval(keepalive);
    unsubscribe();
  });
}
