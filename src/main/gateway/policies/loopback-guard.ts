import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** A host header or URL authority: a bracketed IPv6 literal or a name, then an optional port. */
const AUTHORITY = /^(\[[^\]]*\]|[^:[\]]*)(?::\d{1,5})?$/;

/**
 * Whether a host name (lowercase, IPv6 in brackets) is loopback, matched exactly: `localhost`
 * and its subdomains (RFC 6761 reserves them for loopback), an IPv4 literal in 127.0.0.0/8, or
 * `[::1]`. Look-alikes such as `127.evil.example` or `127.0.0.1.nip.io` are names a DNS server
 * can point anywhere, which is how rebinding works, so they are not loopback.
 */
function isLoopbackHostname(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (hostname === "[::1]") return true;
  return isIP(hostname) === 4 && hostname.startsWith("127.");
}

/** Whether a listener's bind address only accepts connections from this machine. */
export function isLoopbackAddress(address: string): boolean {
  return isLoopbackHostname(isIP(address) === 6 ? `[${address}]` : address.toLowerCase());
}

function isLoopbackHost(hostHeader: string): boolean {
  const hostname = AUTHORITY.exec(hostHeader.toLowerCase())?.[1];
  return hostname !== undefined && isLoopbackHostname(hostname);
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHostname(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * DNS-rebinding protection for listeners on a loopback address: a web page on another site can
 * make the browser send requests to 127.0.0.1 under its own host name, or with its own Origin.
 * Those are refused unless the route's CORS policy allows that origin. `Origin: null` (sandboxed
 * frames, local files) is a foreign origin like any other. Returns why a request is refused, or
 * undefined.
 */
export function loopbackViolation(
  req: IncomingMessage,
  allowsOrigin: (origin: string) => boolean,
): string | undefined {
  const host = req.headers.host;
  if (host !== undefined && !isLoopbackHost(host)) {
    return `host ${JSON.stringify(host)} is not allowed: this listener serves loopback names only (localhost, 127.0.0.1)`;
  }
  const origin = req.headers.origin;
  if (origin === undefined || isLoopbackOrigin(origin) || allowsOrigin(origin)) return undefined;
  return `origin ${JSON.stringify(origin)} is not allowed: add it to the route's cors.allowOrigins to let that site call the gateway`;
}
