import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration, stringList } from "../../config/schema-parts";
import { definePolicy, type PolicyRequest, type StepResult } from "./policy";

const corsSchema = z
  .strictObject({
    allowCredentials: z.boolean().optional(),
    allowHeaders: stringList.optional(),
    allowMethods: stringList.optional(),
    allowOrigins: stringList.optional().describe('Origins allowed to call; "*" allows any.'),
    exposeHeaders: stringList.optional(),
    maxAge: duration.optional(),
  })
  .describe("Cross-origin access for browser-based MCP clients (answered preflights, headers).");

export type CorsConfig = z.infer<typeof corsSchema>;

export type CorsOutcome =
  /** Answer the preflight now with these headers. */
  | { preflight: Record<string, string> }
  /** Go on, and put these headers on the answer. */
  | { headers: Record<string, string> };

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The `cors` policy, with agentgateway's (Envoy's) semantics: an allowed origin is echoed back;
 * a preflight is answered here and never forwarded, with 200 and no CORS headers when its
 * origin is not allowed; a request from a disallowed origin passes without CORS headers, so
 * the browser withholds the answer from the page.
 */
export class CorsPolicy {
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;
  private readonly exposeHeaders: string | undefined;
  private readonly maxAge: string | undefined;

  constructor(private readonly config: CorsConfig) {
    const origins = config.allowOrigins ?? [];
    this.anyOrigin = origins.includes("*");
    this.origins = new Set(origins.map((origin) => origin.toLowerCase()));
    this.exposeHeaders = config.exposeHeaders?.length ? config.exposeHeaders.join(", ") : undefined;
    this.maxAge = config.maxAge && String(Math.floor(parseDuration(config.maxAge) / 1000));
  }

  /**
   * `*` means any site, not `null`: that origin is what sandboxed frames and local files send,
   * so any page can take it on. It is allowed only where the config lists it by name.
   */
  allowsOrigin(origin: string): boolean {
    const listed = this.origins.has(origin.toLowerCase());
    return listed || (this.anyOrigin && origin !== "null");
  }

  apply(req: IncomingMessage): CorsOutcome {
    const origin = req.headers.origin;
    if (origin === undefined) return { headers: NO_HEADERS };
    const isOptions = req.method === "OPTIONS";
    if (!this.allowsOrigin(origin)) {
      return isOptions && req.headers["access-control-request-method"]
        ? { preflight: {} }
        : { headers: NO_HEADERS };
    }
    const headers: Record<string, string> = {
      "Access-Control-Allow-Origin": origin,
      Vary: "Origin",
    };
    if (this.config.allowCredentials) headers["Access-Control-Allow-Credentials"] = "true";
    if (this.exposeHeaders) headers["Access-Control-Expose-Headers"] = this.exposeHeaders;
    if (!isOptions) return { headers };

    const methods = this.allowed(
      this.config.allowMethods,
      req.headers["access-control-request-method"],
    );
    const requested = req.headers["access-control-request-headers"];
    const allowHeaders = this.allowed(this.config.allowHeaders, requested);
    if (methods) headers["Access-Control-Allow-Methods"] = methods;
    if (allowHeaders) headers["Access-Control-Allow-Headers"] = allowHeaders;
    if (this.maxAge) headers["Access-Control-Max-Age"] = this.maxAge;
    return { preflight: headers };
  }

  handle(request: PolicyRequest): StepResult {
    const outcome = this.apply(request.req);
    if ("preflight" in outcome) return { status: 200, headers: outcome.preflight, body: "" };
    Object.assign(request.responseHeaders, outcome.headers);
    return undefined;
  }

  /** A configured list, or with "*" what the browser asked for (a literal "*" is void with credentials). */
  private allowed(list: string[] | undefined, requested: string | undefined): string | undefined {
    if (!list?.length) return undefined;
    if (!list.includes("*")) return list.join(", ");
    return requested || (this.config.allowCredentials ? undefined : "*");
  }
}

export const cors = definePolicy({
  key: "cors",
  schema: corsSchema,
  attachments: ["gateway", "listener", "route"],
  step: "cors",
  compile: (config) => new CorsPolicy(config),
});
