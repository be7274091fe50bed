import { setTimeout as pause } from "node:timers/promises";
import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration } from "../../config/schema-parts";
import { definePolicy, type CompiledPolicy, type Fetch } from "./policy";

const CEL_REFUSED =
  "is not supported by Gatehouse: it retries each request to a target on `codes` and on connection failures, with no CEL";

const retrySchema = z
  .strictObject({
    attempts: z
      .int()
      .min(1)
      .max(255)
      .optional()
      .describe("Attempts in all, the first included: 1 (the default) means no retry."),
    backoff: duration.optional().describe("The pause before each further attempt."),
    codes: z
      .array(z.int().min(100).max(599))
      .describe("The HTTP statuses of a target's answer that are retried."),
    precondition: z.never({ error: `retry.precondition ${CEL_REFUSED}` }).optional(),
    condition: z.never({ error: `retry.condition ${CEL_REFUSED}` }).optional(),
  })
  .describe(
    "Retries requests to HTTP targets that answer with one of `codes` or whose connection fails.",
  );

/** What agentgateway adds to every attempt after the first: its number. */
const ATTEMPT_HEADER = "x-retry-attempt";

interface RetryPlan {
  attempts: number;
  backoffMs: number;
  codes: ReadonlySet<number>;
}

/**
 * The `retry` policy, for requests to HTTP targets: a request whose answer has one of `codes`,
 * or that fails before any answer (connection refused or reset, TLS, `backendRequestTimeout`),
 * is sent again after `backoff`, up to `attempts` in all. `attempts` counts the first, as
 * agentgateway's documentation and schema say (its code makes one more). An answer is
 * retried only before it is handed on, so a response that already streams never is; a body
 * that cannot be sent twice (a stream rather than text) is sent once.
 */
export const retry = definePolicy({
  key: "retry",
  schema: retrySchema,
  attachments: ["route"],
  compile(config): CompiledPolicy {
    const attempts = config.attempts ?? 1;
    if (attempts === 1) return {};
    const plan: RetryPlan = {
      attempts,
      backoffMs: config.backoff === undefined ? 0 : parseDuration(config.backoff),
      codes: new Set(config.codes),
    };
    return { wrapFetch: (next) => retrying(next, plan) };
  },
});

function retrying(next: Fetch, plan: RetryPlan): Fetch {
  return async (url, init) => {
    if (!replayable(init?.body)) return next(url, init);
    const signal = init?.signal ?? undefined;
    for (let attempt = 1; ; attempt++) {
      const last = attempt === plan.attempts;
      let response: Response;
      try {
        response = await next(url, attempt === 1 ? init : numbered(init, attempt - 1));
      } catch (error) {
        // Aborted by the transport itself (the session closed): nobody wants an answer.
        if (last || signal?.aborted) throw error;
        await pause(plan.backoffMs, undefined, { signal });
        continue;
      }
      if (last || !plan.codes.has(response.status)) return response;
      await response.body?.cancel();
      await pause(plan.backoffMs, undefined, { signal });
    }
  };
}

const replayable = (body: RequestInit["body"]): boolean =>
  body === undefined || body === null || typeof body === "string";

function numbered(init: RequestInit | undefined, retryNumber: number): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set(ATTEMPT_HEADER, String(retryNumber));
  return { ...init, headers };
}
