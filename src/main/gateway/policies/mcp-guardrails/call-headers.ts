import type { IncomingMessage } from "node:http";
import type { Caller } from "../caller";
import { visibleHeader } from "../credential-location";
import { PSEUDO_HEADERS } from "../ext-authz/header-names";
import { pseudoHeader } from "../ext-authz/request-headers";

/** One header as McpRequest carries it. */
export interface WireHeader {
  key: string;
  value: Buffer;
}

/**
 * `requestHeaders`, as agentgateway's HeaderFilter reads it: an empty `allowed` sends every
 * header and pseudo-header, a non-empty one only those it names; `disallowed` always wins.
 */
export class HeaderFilter {
  private readonly allowed: ReadonlySet<string> | undefined;
  private readonly disallowed: ReadonlySet<string>;

  constructor(config: { allowed?: string[]; disallowed?: string[] } = {}) {
    const lower = (names: string[] = []) => new Set(names.map((name) => name.toLowerCase()));
    this.allowed = config.allowed?.length ? lower(config.allowed) : undefined;
    this.disallowed = lower(config.disallowed);
  }

  allows(name: string): boolean {
    return !this.disallowed.has(name) && (this.allowed === undefined || this.allowed.has(name));
  }
}

/**
 * The headers of the HTTP request that carried a call, as the policies left them, for the
 * server: the pseudo-headers, then each header, one entry per value. Credentials that
 * authentication verified were consumed there and are not passed on, as agentgateway removes
 * them.
 */
export function callHeaders(
  req: IncomingMessage,
  caller: Caller,
  filter: HeaderFilter,
): WireHeader[] {
  const headers: WireHeader[] = [];
  for (const name of PSEUDO_HEADERS) {
    const value = pseudoHeader(req, name);
    if (value !== undefined && filter.allows(name)) headers.push(wire(name, value));
  }
  const places = caller.credentialPlaces;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || !filter.allows(name)) continue;
    if (name === "authorization" && caller.token !== undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      const visible = places ? visibleHeader(name, one, places) : one;
      if (visible !== undefined) headers.push(wire(name, visible));
    }
  }
  return headers;
}

/** Node holds header values as latin1 text: that gives back their bytes. */
function wire(key: string, value: string): WireHeader {
  return { key, value: Buffer.from(value, "latin1") };
}
