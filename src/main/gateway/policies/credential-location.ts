import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { authorizationLocationSchema } from "./authorization-location";

/**
 * The longest credential (an API key, or the base64 of `user:password`) that is looked at all.
 * A longer one is refused before it is decoded or hashed: some password hashes cost time in
 * proportion to the password's length, and no real key or password comes near this.
 */
export const MAX_CREDENTIAL_LENGTH = 1024;

/** Where a credential is read from a request. */
export const credentialLocationSchema = authorizationLocationSchema({
  header: "Read the credential from a request header.",
  prefix:
    "Taken off the value's start (ASCII case-insensitive), e.g. `Bearer `; a value without it counts as no credential.",
  queryParameter: "Read the credential from a URL query parameter.",
  cookie: "Read the credential from a request cookie.",
  expression:
    "Gatehouse does not read credentials with a CEL expression: write header, queryParameter or cookie",
}).describe("Where the credential is in the request.");

export type CredentialLocationConfig = z.infer<typeof credentialLocationSchema>;

/**
 * Where a verified credential was: agentgateway removes it from the request, so Gatehouse keeps
 * it out of what CEL rules see of the headers. A query parameter needs nothing: rules see the
 * path without the query.
 */
export interface CredentialPlace {
  /** Lowercase, as node names headers. */
  header: string;
  /** Set when the credential is one cookie of the `cookie` header: only that one is hidden. */
  cookie?: string;
}

/** Reads a credential from one place in a request, as a policy's `location` says. */
export class CredentialLocation {
  /** Where a credential read here is, once verified; undefined for a query parameter. */
  readonly place: CredentialPlace | undefined;
  /** The credential, or undefined when the request carries none here. */
  readonly read: (req: IncomingMessage) => string | undefined;

  constructor(config: CredentialLocationConfig) {
    const { header, queryParameter, cookie } = config;
    if (header) {
      const headerName = header.name.toLowerCase();
      const prefix = header.prefix ?? undefined;
      this.place = { header: headerName };
      this.read = (req) => withoutPrefix(req.headers[headerName], prefix);
    } else if (queryParameter) {
      this.place = undefined;
      this.read = (req) => fromQuery(req.url ?? "", queryParameter.name);
    } else {
      const cookieName = (cookie as { name: string }).name;
      this.place = { header: "cookie", cookie: cookieName };
      this.read = (req) => fromCookies(req.headers.cookie, cookieName);
    }
  }

  /** Whether credentials read here are addressed to a proxy (RFC 9110: challenged with 407). */
  get isProxyAuthorization(): boolean {
    return this.place?.header === "proxy-authorization";
  }
}

function withoutPrefix(
  value: string | string[] | undefined,
  prefix: string | undefined,
): string | undefined {
  // node joins a repeated custom header with ", ", which matches no credential: keep it so.
  const text = Array.isArray(value) ? value.join(", ") : value;
  if (text === undefined || prefix === undefined) return text;
  return text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
    ? text.slice(prefix.length)
    : undefined;
}

function fromQuery(url: string, name: string): string | undefined {
  const queryAt = url.indexOf("?");
  if (queryAt === -1) return undefined;
  return new URLSearchParams(url.slice(queryAt + 1)).get(name) ?? undefined;
}

/** The name of one `name=value` pair of a `cookie` header; undefined for a pair without `=`. */
function cookieName(pair: string): string | undefined {
  const equals = pair.indexOf("=");
  return equals === -1 ? undefined : pair.slice(0, equals).trim();
}

function fromCookies(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(";")) {
    if (cookieName(pair) === name) return pair.slice(pair.indexOf("=") + 1).trim();
  }
  return undefined;
}

/**
 * What CEL rules see of a header once the credentials verified in `places` are taken out of it:
 * nothing of a header that carried one, the other cookies of a `cookie` header.
 */
export function visibleHeader(
  name: string,
  value: string,
  places: readonly CredentialPlace[],
): string | undefined {
  let visible: string | undefined = value;
  for (const place of places) {
    if (place.header !== name || visible === undefined) continue;
    const hidden = place.cookie;
    if (hidden === undefined) return undefined;
    const others: string[] = visible.split(";").filter((pair) => cookieName(pair) !== hidden);
    visible = others.length > 0 ? others.map((pair) => pair.trim()).join("; ") : undefined;
  }
  return visible;
}
