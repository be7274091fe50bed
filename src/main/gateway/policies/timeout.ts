import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration, evenBesideOtherProblems } from "../../config/schema-parts";
import { definePolicy, type CompiledPolicy, type Fetch, type PolicyRequest } from "./policy";

const timeoutSchema = z
  .strictObject({
    requestTimeout: duration
      .optional()
      .describe(
        "From a request's arrival until its answer begins, retries and delay included; then 504. A stream already open is not cut.",
      ),
    backendRequestTimeout: duration
      .optional()
      .describe("Each request to an HTTP target, until its response headers; per retry."),
  })
  .superRefine((value, ctx) => {
    for (const key of ["requestTimeout", "backendRequestTimeout"] as const) {
      const written = value[key];
      if (written !== undefined && parseDuration(written) === 0) {
        ctx.addIssue({ code: "custom", path: [key], message: "must be longer than 0" });
      }
    }
  }, evenBesideOtherProblems)
  .describe("Time limits for the route's requests, as agentgateway's `timeout` has them.");

/**
 * What a request gets when its answer has not begun by its deadline: agentgateway's 504 and
 * words, and for an MCP client the JSON-RPC code the MCP SDKs use for a request that timed out.
 */
export const REQUEST_TIMEOUT = {
  status: 504,
  code: -32001,
  message: "request timeout: no answer within the route's timeout.requestTimeout",
  text: "request timeout",
} as const;

/**
 * The `timeout` policy. `requestTimeout` gives the request a deadline, counted from its
 * arrival, that the delay step and the relay keep (see `PolicyRequest.deadline`): an answer
 * that has not begun by then is a 504. `backendRequestTimeout` bounds each request to an HTTP
 * target until its response headers arrive; a body that streams after them is not cut, as in
 * agentgateway.
 */
export const timeout = definePolicy({
  key: "timeout",
  schema: timeoutSchema,
  attachments: ["route"],
  step: "limit",
  compile(config): CompiledPolicy {
    const { requestTimeout, backendRequestTimeout } = config;
    const compiled: CompiledPolicy = {};
    if (requestTimeout !== undefined) {
      const ms = parseDuration(requestTimeout);
      compiled.handle = (request: PolicyRequest) => {
        request.deadline = request.startedAt + ms;
        return undefined;
      };
    }
    if (backendRequestTimeout !== undefined) {
      const ms = parseDuration(backendRequestTimeout);
      const message = `upstream call timeout: no response within ${backendRequestTimeout} (timeout.backendRequestTimeout)`;
      compiled.wrapFetch = (next) => untilHeaders(next, ms, message);
    }
    return compiled;
  },
});

/** Aborts a request to a target whose response headers take longer than `ms`. */
function untilHeaders(next: Fetch, ms: number, message: string): Fetch {
  return async (url, init) => {
    const timer = new AbortController();
    const pending = setTimeout(() => timer.abort(new Error(message)), ms);
    // The transport's own signal still ends the request, and the body after it, as before.
    const signal = init?.signal ? AbortSignal.any([init.signal, timer.signal]) : timer.signal;
    try {
      return await next(url, { ...init, signal });
    } finally {
      clearTimeout(pending);
    }
  };
}
