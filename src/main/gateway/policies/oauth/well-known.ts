import type { IncomingMessage } from "node:http";

/** RFC 9728: where a resource's metadata is, its own path appended. */
export const PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource";
/** RFC 8414: where an authorization server's metadata is, its issuer's path appended. */
export const AUTHORIZATION_SERVER = "/.well-known/oauth-authorization-server";

/** `prefix` itself or a path below it: `/.well-known/oauth-protected-resource-x` is neither. */
export function isUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === "/");
}

/**
 * The origin the client reached the gateway at: its `Host`, and the scheme a proxy in front
 * says it used (`X-Forwarded-Proto`), as agentgateway reads them.
 */
export function requestOrigin(req: IncomingMessage): string {
  const forwarded = req.headers["x-forwarded-proto"];
  const scheme = forwarded === "https" || forwarded === "http" ? forwarded : "http";
  return `${scheme}://${req.headers.host ?? "localhost"}`;
}

/**
 * The URL a well-known document describes: the request's origin and what follows `prefix` in
 * its path (RFC 8414 and RFC 9728 insert the well-known part before the path). Nothing follows
 * for a document about the origin itself.
 */
export function describedUrl(req: IncomingMessage, path: string, prefix: string): string {
  return requestOrigin(req) + path.slice(prefix.length);
}
