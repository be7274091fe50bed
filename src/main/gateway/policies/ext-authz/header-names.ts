/** An HTTP header name (RFC 9110 token); also what a method is. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i;

/** The pseudo-headers of a request, as agentgateway names them (`HeaderOrPseudo`). */
export const PSEUDO_HEADERS = [":method", ":scheme", ":authority", ":path"] as const;
export type PseudoHeader = (typeof PSEUDO_HEADERS)[number];

export function isPseudoHeader(name: string): name is PseudoHeader {
  return (PSEUDO_HEADERS as readonly string[]).includes(name);
}

// What node accepts in a header value: nothing that could end the header early.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Whether a header the service returned can be set as it is; others are skipped, as
 * agentgateway skips them. Pseudo-headers are not headers: a check changes no routing.
 */
export function isSettableHeader(name: string, value: string): boolean {
  return HTTP_TOKEN.test(name) && HEADER_VALUE.test(value);
}
