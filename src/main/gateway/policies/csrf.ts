import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { definePolicy, type Answer, type PolicyRequest, type StepResult } from "./policy";

const csrfSchema = z
  .strictObject({
    additionalOrigins: z
      .array(z.string())
      .optional()
      .describe('Other origins ("https://app.example.com") that may send state-changing requests.'),
  })
  .describe("Refuses state-changing requests that come from another origin (403).");

/** Requests that change nothing are not what CSRF forges. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What a browser says when the page making the request has the target's origin, or none. */
const OWN_SITE = new Set(["same-origin", "none"]);

const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i;

/**
 * `csrf`, agentgateway's (csrf.rs, after Go's CrossOriginProtection): safe methods pass; a
 * browser's `Sec-Fetch-Site` decides where it is sent; without it, a request without `Origin`
 * (not a browser) passes, and one whose `Origin` is the request's own (`http://` + Host) or a
 * listed one passes. Everything else gets 403 "CSRF validation failed".
 *
 * One difference: agentgateway lets `Origin: null` through as if there were no origin, but a
 * sandboxed frame or a local file sends that, so any page can; here it is foreign unless listed.
 * Origins compare without regard to case, as browsers write them in lowercase.
 */
class Csrf {
  constructor(private readonly trusted: ReadonlySet<string>) {}

  handle(request: PolicyRequest): StepResult {
    const { req } = request;
    if (SAFE_METHODS.has(req.method ?? "GET")) return undefined;
    const origin = header(req, "origin")?.toLowerCase();
    const site = header(req, "sec-fetch-site")?.toLowerCase();
    if (site !== undefined) {
      if (OWN_SITE.has(site) || this.trustsOrigin(origin)) return undefined;
      return refusal(
        `Sec-Fetch-Site is ${site} and the origin ${origin ?? "(none)"} is not trusted`,
      );
    }
    if (origin === undefined) return undefined;
    const own = `http://${header(req, "host") ?? ""}`.toLowerCase();
    if (origin === own || this.trustsOrigin(origin)) return undefined;
    return refusal(`origin ${origin} is neither the request's own (${own}) nor trusted`);
  }

  private trustsOrigin(origin: string | undefined): boolean {
    return origin !== undefined && this.trusted.has(origin);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function refusal(reason: string): Answer {
  return {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
    body: "CSRF validation failed",
    reason: `CSRF: ${reason}`,
  };
}

export const csrf = definePolicy({
  key: "csrf",
  schema: csrfSchema,
  attachments: ["route"],
  step: "modify",
  compile(config, path, ctx) {
    const origins = config.additionalOrigins ?? [];
    origins.forEach((origin, i) => {
      if (!ORIGIN_SHAPE.test(origin)) {
        ctx.warning(
          [...path, "additionalOrigins", i],
          `"${origin}" is not an origin (scheme://host[:port], no path), so no request will match it`,
        );
      }
    });
    return new Csrf(new Set(origins.map((origin) => origin.toLowerCase())));
  },
});
