import type { CelContext } from "./cel";

/** Who is calling, as far as authentication established it. */
export interface Caller {
  /** The verified claims; empty for an anonymous caller. */
  claims: Record<string, unknown>;
  subject: string | undefined;
  /** The issuer (provider) that vouched for the token. */
  issuer: string | undefined;
  /** The bearer token it presented: `backendAuth.passthrough` forwards it to the targets. */
  token: string | undefined;
}

export const ANONYMOUS: Caller = Object.freeze({
  claims: Object.freeze({}) as Record<string, unknown>,
  subject: undefined,
  issuer: undefined,
  token: undefined,
});

/**
 * What the policies of one request work with: the caller and, when the route has CEL rules,
 * the context those rules see (built once per request, shared by every rule and list item).
 */
export interface Access {
  caller: Caller;
  context: CelContext | undefined;
}

export const OPEN_ACCESS: Access = Object.freeze({ caller: ANONYMOUS, context: undefined });
