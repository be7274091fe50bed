import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { PolicyRequest } from "../policy";
import { isPseudoHeader, PSEUDO_HEADERS, type PseudoHeader } from "./header-names";

/** A request's pseudo-header, as HTTP/2 would carry it. */
export function pseudoHeader(req: IncomingMessage, name: PseudoHeader): string | undefined {
  switch (name) {
    case ":method":
      return req.method;
    case ":scheme":
      return (req.socket as TLSSocket).encrypted ? "https" : "http";
    case ":authority":
      return req.headers.host;
    case ":path":
      return req.url;
  }
}

/**
 * The request's headers as a check sends them: every one with the pseudo-headers, as Envoy
 * does (`undefined`), or the listed ones. Node has joined repeated headers already, with ", "
 * (cookies with "; "), as Envoy joins them. A token that authentication verified was consumed
 * there and is not passed on, as agentgateway removes it.
 */
export function checkHeaders(
  request: PolicyRequest,
  names: readonly string[] | undefined,
): Record<string, string> {
  const { headers } = request.req;
  const consumed = request.caller.issuer !== undefined ? "authorization" : undefined;
  const selected: Record<string, string> = Object.create(null);
  const add = (name: string) => {
    const value = isPseudoHeader(name) ? pseudoHeader(request.req, name) : headers[name];
    if (value === undefined || name === consumed) return;
    selected[name] = Array.isArray(value) ? value.join(", ") : value;
  };
  if (names) {
    for (const name of names) add(name.toLowerCase());
  } else {
    for (const name of PSEUDO_HEADERS) add(name);
    for (const name of Object.keys(headers)) add(name);
  }
  return selected;
}
