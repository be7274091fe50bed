import { z } from "zod";
import { definePolicy, type CompiledPolicy, type Fetch } from "./policy";

const backendAuthSchema = z
  .strictObject({
    passthrough: z
      .strictObject({})
      .optional()
      .describe("Forward the client's validated token to the targets instead of removing it."),
  })
  .describe("How the gateway authenticates to its targets.");

/**
 * The caller's own token, sent on to HTTP targets. Without this policy the token never leaves
 * the gateway: it authenticated the client to the gateway, not to the target.
 */
function passthrough(next: Fetch, callerToken: () => string | undefined): Fetch {
  return (url, init) => {
    const token = callerToken();
    if (token === undefined) return next(url, init);
    const headers = new Headers(init?.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return next(url, { ...init, headers });
  };
}

export const backendAuth = definePolicy({
  key: "backendAuth",
  schema: backendAuthSchema,
  attachments: ["route", "backend", "target"],
  compile: (config): CompiledPolicy => (config.passthrough ? { wrapFetch: passthrough } : {}),
});
