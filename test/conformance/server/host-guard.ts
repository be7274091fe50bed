import type { IncomingHttpHeaders } from "node:http";

/** The names this machine answers to over loopback, as `URL.hostname` spells them. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Why a request must be refused as a possible DNS rebinding attack, or `undefined` when its
 * `Host` and its `Origin` (if any) name an allowed host. A web page on a rebound name reaches a
 * loopback server with the page's host in both headers. The port is not compared: the page
 * must use the server's real port to reach it at all.
 */
export function rebindingRefusal(
  headers: IncomingHttpHeaders,
  allowedHostnames: readonly string[],
): string | undefined {
  const isAllowed = (url: string) => allowedHostnames.includes(hostnameOf(url) ?? "");
  if (headers.host === undefined) return "Missing Host header";
  if (!isAllowed(`http://${headers.host}`)) return `Host not allowed: ${headers.host}`;
  if (headers.origin !== undefined && !isAllowed(headers.origin)) {
    return `Origin not allowed: ${headers.origin}`;
  }
  return undefined;
}

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
