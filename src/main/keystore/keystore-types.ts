/**
 * The keystore's domain types: plain data, without Node, so that the UI contract
 * (`src/shared/ui-api.ts`) can name them for the renderer as they are.
 */

export type KeyAlgorithm = "RS256" | "ES256" | "EdDSA";

/** What the keystore knows of a key: public facts only. */
export interface KeyInfo {
  /** The RFC 7638 thumbprint (SHA-256) of the public key; an imported JWK keeps its own kid. */
  kid: string;
  alg: KeyAlgorithm;
  /** RSA modulus length. */
  bits?: number;
  label: string;
  /** ISO timestamp of when the key entered the keystore. */
  created: string;
  state: "active" | "retired";
  /** False for an imported public key (a real issuer's): it only verifies. */
  canSign: boolean;
}

/** A saved caller to mint tokens for: its claims, and optionally its own issuer and audience. */
export interface Identity {
  name: string;
  claims: Record<string, unknown>;
  issuer?: string;
  audience?: string | string[];
}
