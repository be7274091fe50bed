import type { IncomingMessage } from "node:http";
import { loopbackViolation } from "../gateway/policies/loopback-guard";

/**
 * Why the admin server refuses a request before anything else, or undefined. The Host must be
 * a loopback name (DNS rebinding), and a request that changes something must come from the
 * admin UI's own origin: a page on another local port is not the admin UI.
 */
export function adminRequestViolation(req: IncomingMessage): string | undefined {
  const violation = loopbackViolation(req, () => false);
  if (violation) return violation;
  const origin = req.headers.origin;
  if (req.method === "GET" || req.method === "HEAD" || origin === undefined) return undefined;
  return origin === `http://${req.headers.host}`
    ? undefined
    : `origin "${origin}" is not allowed: only the admin UI itself may call the admin API`;
}
