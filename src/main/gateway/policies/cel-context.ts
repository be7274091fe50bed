import type { IncomingMessage } from "node:http";
import { toCelValue, type CelContext } from "./cel";
import type { Caller } from "./caller";
import type { ComputedVariables } from "./policy";
import { visibleHeader } from "./credential-location";

/**
 * Claims converted for CEL once per verified token: the verifier hands out the same claims
 * object for a cached token, so a client that repeats its token pays for this once too.
 */
const converted = new WeakMap<object, Record<string, unknown>>();

function celClaims(claims: Record<string, unknown>): Record<string, unknown> {
  let value = converted.get(claims);
  if (!value) {
    value = toCelValue(claims) as Record<string, unknown>;
    converted.set(claims, value);
  }
  return value;
}

/**
 * What CEL rules see of a request: the caller's claims and verified credentials, the request,
 * where it came from, and what steps computed for them.
 */
export function celContext(
  req: IncomingMessage,
  path: string,
  caller: Caller,
  computed?: ComputedVariables,
): CelContext {
  const headers: Record<string, string> = {};
  const places = caller.credentialPlaces;
  for (const [name, value] of Object.entries(req.headers)) {
    // A verified token was consumed by authentication, as in agentgateway, which removes it.
    if (value === undefined || (name === "authorization" && caller.token !== undefined)) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    // So were the API keys and passwords that apiKey and basicAuth verified.
    const visible = places ? visibleHeader(name, text, places) : text;
    if (visible !== undefined) headers[name] = visible;
  }
  return {
    jwt: celClaims(caller.claims),
    request: { method: req.method ?? "GET", path, host: req.headers.host ?? "", headers },
    source: { address: req.socket.remoteAddress ?? "" },
    apiKey: caller.apiKey ?? null,
    basicAuth: caller.basicAuth ?? null,
    extauthz: computed?.extauthz ?? null,
  };
}
