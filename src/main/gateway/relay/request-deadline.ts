import type { ServerResponse } from "node:http";

/**
 * Runs `expire` at the request's deadline (the route's `timeout.requestTimeout`), unless the
 * answer has begun by then: agentgateway bounds the time until the response starts, so a
 * stream already open (progress came first) runs on. Without a deadline nothing is armed.
 */
export function expireAtDeadline(
  res: ServerResponse,
  deadline: number | undefined,
  expire: () => void,
): void {
  if (deadline === undefined) return;
  const timer = setTimeout(
    () => {
      if (!res.headersSent) expire();
    },
    Math.max(deadline - performance.now(), 0),
  );
  res.once("close", () => clearTimeout(timer));
}
