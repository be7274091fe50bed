import type { CelContext } from "./cel";
import type { CredentialPlace } from "./credential-location";

/** Who is calling, as far as authentication established it. */
export interface Caller {
  /** The verified claims; empty for an anonymous caller. */
  claims: Record<string, unknown>;
  subject: string | undefined;
  /** The issuer (provider) that vouched for the token. */
  issuer: string | undefined;
  /** The bearer token it presented: `backendAuth.passthrough` forwards it to the targets. */
  token: string | undefined;
  /** CEL's `apiKey` when an `apiKey` policy verified the caller: the key's metadata. */
  apiKey?: Readonly<Record<string, unknown>>;
  /** CEL's `basicAuth` when a `basicAuth` policy verified the caller. */
  basicAuth?: Readonly<{ username: string }>;
  /** Where the credentials those two verified were: hidden from CEL's `request.headers`. */
  credentialPlaces?: readonly CredentialPlace[];
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

/** What an `apiKey` or `basicAuth` policy establishes about the caller it verified. */
export type VerifiedCredential = Pick<Caller, "subject" | "issuer" | "apiKey" | "basicAuth">;

/**
 * The caller once a credential policy verified it: named by that credential, and keeping what
 * earlier steps verified, so a JWT's claims stay visible to rules beside the key's metadata.
 */
export function withCredential(
  previous: Caller,
  verified: VerifiedCredential,
  place: CredentialPlace | undefined,
): Caller {
  const places = previous.credentialPlaces ?? [];
  return { ...previous, ...verified, credentialPlaces: place ? [...places, place] : places };
}
