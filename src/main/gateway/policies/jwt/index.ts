export type { JwksSpec, KeySource, KeySourceOptions } from "./key-source";
export { openKeySource } from "./open-key-source";
export { TokenVerifier, type ProviderSpec, type TokenVerifierOptions } from "./token-verifier";
export type { Rejected, Verified } from "./verdict";
export type { VerificationKey } from "./verification-key";
