import type { IncomingMessage } from "node:http";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackAddress(address: string): boolean {
  return address === "localhost" || address === "::1" || address.startsWith("127.");
}

function hostnameOf(hostHeader: string): string {
  const end = hostHeader.startsWith("[")
    ? hostHeader.indexOf("]") + 1
    : hostHeader.lastIndexOf(":");
  return (end > 0 ? hostHeader.slice(0, end) : hostHeader).toLowerCase();
}

function isLoopbackName(hostname: string): boolean {
  return (
    LOOPBACK_HOSTS.has(hostname) || hostname.startsWith("127.") || hostname.endsWith(".localhost")
  );
}

/**
 * DNS-rebinding protection for listeners on a loopback address: a web page on another site can
 * make the browser send requests to 127.0.0.1 under its own host name, or with its own Origin.
 * Those are refused unless the route's CORS policy allows that origin. Returns why a request
 * is refused, or undefined.
 */
export function loopbackViolation(
  req: IncomingMessage,
  allowsOrigin: (origin: string) => boolean,
): string | undefined {
  const host = req.headers.host;
  if (host !== undefined && !isLoopbackName(hostnameOf(host))) {
    return `host "${host}" is not allowed: this listener serves loopback names only (localhost, 127.0.0.1)`;
  }
  const origin = req.headers.origin;
  if (origin === undefined || origin === "null" || allowsOrigin(origin)) return undefined;
  let originHost: string;
  try {
    originHost = new URL(origin).hostname.toLowerCase();
  } catch {
    return `origin "${origin}" is not a valid origin`;
  }
  return isLoopbackName(originHost)
    ? undefined
    : `origin "${origin}" is not allowed: add it to the route's cors.allowOrigins to let that site call the gateway`;
}
