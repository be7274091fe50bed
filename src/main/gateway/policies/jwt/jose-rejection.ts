import { errors } from "jose";
import { quoteUntrusted } from "./quote-untrusted";
import { malformed, reject, type Rejected } from "./verdict";

/**
 * The reason for a token jose refused. Only jose's own errors are reasons; anything else is a
 * bug here and is thrown on, so it is not passed off as the client's fault.
 */
export function rejectionFromJose(error: unknown, audiences: readonly string[]): Rejected {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return reject("the token signature is invalid");
  }
  if (error instanceof errors.JWTExpired) return reject("the token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") {
      return reject(`the token is missing the claim ${quoteUntrusted(error.claim)}`);
    }
    if (error.reason === "check_failed" && error.claim === "nbf") {
      return reject("the token is not valid yet");
    }
    if (error.reason === "check_failed" && error.claim === "aud") {
      const aud = error.payload.aud;
      const given = Array.isArray(aud) ? aud.map(quoteUntrusted).join(", ") : quoteUntrusted(aud);
      return reject(
        `the token audience ${given} is not accepted (expected one of: ${audiences.join(", ")})`,
      );
    }
  }
  if (error instanceof errors.JOSEError) return malformed(error.message);
  throw error;
}
