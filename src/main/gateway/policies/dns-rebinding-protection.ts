import { z } from "zod";
import { CorsPolicy, type CorsConfig } from "./cors";
import { isLoopbackAddress, loopbackViolation } from "./loopback-guard";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";

/**
 * `dnsRebindingProtection` on an MCP backend: only loopback host names and origins (and the
 * origins the route's CORS policy lists) may reach it. agentgateway makes it opt-in; here it is
 * on by default wherever the listener is bound to a loopback address, where a browser is the
 * likely attacker, so turning it off must be written and is logged.
 */
export const dnsRebindingProtection = definePolicy({
  key: "dnsRebindingProtection",
  schema: z
    .boolean()
    .describe(
      "Refuse requests whose Host or Origin is not loopback; default on loopback listeners.",
    ),
  attachments: ["backend"],
  writtenOnBackend: true,
  step: "guard",
  byDefault: (ctx) => isLoopbackAddress(ctx.listenerAddress) || undefined,
  compile(enabled, path, ctx): CompiledPolicy {
    if (!enabled) {
      if (isLoopbackAddress(ctx.listenerAddress)) {
        ctx.warning(
          path,
          "DNS-rebinding protection is off: any web page the user opens can call this gateway through a name that resolves to 127.0.0.1",
        );
      }
      return {};
    }
    const corsConfig = ctx.siblings.cors as CorsConfig | undefined;
    const cors = corsConfig ? new CorsPolicy(corsConfig) : undefined;
    return {
      handle(request: PolicyRequest): StepResult {
        const violation = loopbackViolation(
          request.req,
          (origin) => cors?.allowsOrigin(origin) ?? false,
        );
        if (violation === undefined) return undefined;
        const headers = { "Content-Type": "text/plain; charset=utf-8" };
        return { status: 403, headers, body: violation, reason: violation };
      },
    };
  },
});
