/** Where a service is, as agentgateway reads `host` (a host:port or a URL). */
export interface ServiceAddress {
  /** The origin, `http://host:port` or `https://host:port`, with no path. */
  origin: string;
  secure: boolean;
  hostname: string;
  port: number;
  /** host:port as a gRPC channel or a Host header names it (IPv6 in brackets). */
  authority: string;
}

/** A service on a Unix domain socket (Tailscale's local API is one), always plain text. */
export interface SocketAddress {
  socketPath: string;
}

const UNIX_PREFIX = "unix:";

/**
 * `localhost:9000` (plain text), or `http://` / `https://` with an optional port and no path:
 * agentgateway refuses a path, since the check's own path goes there.
 */
export function serviceAddress(host: string): ServiceAddress | { error: string } {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
  let url: URL;
  try {
    url = new URL(hasScheme ? host : `http://${host}`);
  } catch {
    return { error: `"${host}" is not a host:port or a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { error: `"${host}": the service's URL must be http:// or https://` };
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    return { error: `"${host}": write the service's address alone, without a path or query` };
  }
  if (!hasScheme && url.port === "") {
    return { error: `"${host}" needs a port, as in localhost:9000` };
  }
  const secure = url.protocol === "https:";
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  return {
    origin: url.origin,
    secure,
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    authority: `${url.hostname}:${port}`,
  };
}

/**
 * A `host` that may also be `unix:/path/to.sock`, as agentgateway's targets take it: everything
 * after the prefix is the path, which must be absolute (a relative one would depend on where
 * Gatehouse was started). `unix:///path`, gRPC's spelling, names the same socket.
 */
export function serviceOrSocketAddress(
  host: string,
): ServiceAddress | SocketAddress | { error: string } {
  if (!host.startsWith(UNIX_PREFIX)) return serviceAddress(host);
  const socketPath = host.slice(UNIX_PREFIX.length).replace(/^\/+/, "/");
  if (!socketPath.startsWith("/") || socketPath === "/") {
    return { error: `"${host}": a Unix socket is written unix:/absolute/path` };
  }
  return { socketPath };
}

/** The channel target grpc-js connects to: it takes `unix:/path` itself. */
export function grpcTarget(address: ServiceAddress | SocketAddress): string {
  return "socketPath" in address ? `${UNIX_PREFIX}${address.socketPath}` : address.authority;
}
