import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration, evenBesideOtherProblems } from "../../config/schema-parts";
import { definePolicy, type Answer, type PolicyRequest, type StepResult } from "./policy";
import { stepError } from "./step-error";
import { TokenBucket } from "./token-bucket";

const TOKENS_REFUSED =
  'type "tokens" counts LLM tokens, and Gatehouse relays MCP, not LLM APIs: use type "requests" (the default)';

const limitSchema = z
  .strictObject({
    maxTokens: z
      .int()
      .min(1)
      .describe("The bucket's size: how many requests may come at once; it starts full."),
    tokensPerFill: z.int().min(1).describe("How many requests each fill allows again."),
    fillInterval: duration.describe("How often the bucket is filled."),
    type: z
      .enum(["requests"], {
        error: (issue) => (issue.input === "tokens" ? TOKENS_REFUSED : undefined),
      })
      .optional()
      .describe("What a token stands for: one request (the only kind Gatehouse counts)."),
  })
  .superRefine((limit, ctx) => {
    if (limit.tokensPerFill > limit.maxTokens) {
      ctx.addIssue({
        code: "custom",
        path: ["tokensPerFill"],
        message: "tokensPerFill cannot be more than maxTokens: the bucket never holds more",
      });
    }
    if (parseDuration(limit.fillInterval) === 0) {
      ctx.addIssue({ code: "custom", path: ["fillInterval"], message: "must be longer than 0" });
    }
  }, evenBesideOtherProblems);

type LimitConfig = z.infer<typeof limitSchema>;

const localRateLimitSchema = z
  .array(limitSchema, {
    error: (issue) =>
      typeof issue.input === "object" && issue.input !== null && "conditional" in issue.input
        ? "conditional rate limits (CEL conditions picking a limit per request) are not supported by Gatehouse: write a list of limits, which all apply"
        : undefined,
  })
  .min(1)
  .describe(
    "Token buckets shared by every caller of the route; a request needs a token from each. Over a limit: 429 with Retry-After.",
  );

/** One bucket, with the words that explain it in the log. */
interface Limit {
  bucket: TokenBucket;
  description: string;
}

/** The JSON-RPC code of the error a refused MCP request gets: a server error of its own. */
const RATE_LIMITED = -32000;

/** Whole seconds, rounded up: a client told "0" would come back before the bucket fills. */
const seconds = (ms: number): string => String(Math.ceil(ms / 1000));

/**
 * The `localRateLimit` policy, as agentgateway has it: token buckets held in memory, one set
 * per route, shared by all of its callers and started afresh by a reload. A request takes a
 * token from each bucket in turn; the first that is empty refuses it with 429 and
 * agentgateway's `x-ratelimit-*` headers, plus `Retry-After` for clients that read only that.
 * Passing requests carry the headers of the bucket closest to empty.
 */
class LocalRateLimit {
  private readonly limits: Limit[];

  constructor(config: LimitConfig[]) {
    this.limits = config.map((limit) => ({
      bucket: new TokenBucket(
        limit.maxTokens,
        limit.tokensPerFill,
        parseDuration(limit.fillInterval),
      ),
      description: `${limit.maxTokens} requests at once, ${limit.tokensPerFill} more every ${limit.fillInterval}`,
    }));
  }

  handle(request: PolicyRequest): StepResult {
    const now = performance.now();
    let tightest: TokenBucket | undefined;
    for (const limit of this.limits) {
      if (!limit.bucket.take(now)) return refusal(request, limit, now);
      if (!tightest || limit.bucket.remaining < tightest.remaining) tightest = limit.bucket;
    }
    const headers = request.responseHeaders;
    const bucket = tightest as TokenBucket;
    headers["x-ratelimit-limit"] = String(bucket.size);
    headers["x-ratelimit-remaining"] = String(bucket.remaining);
    headers["x-ratelimit-reset"] = seconds(bucket.untilNextFill(now));
    return undefined;
  }
}

/** 429, with the headers a client needs to know when to come back. */
function refusal(request: PolicyRequest, limit: Limit, now: number): Answer {
  const wait = seconds(Math.max(limit.bucket.untilNextFill(now), 1));
  const message = `rate limit exceeded: retry after ${wait}s`;
  const headers = {
    "Retry-After": wait,
    "x-ratelimit-limit": String(limit.bucket.size),
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": wait,
  };
  const answer = stepError(
    request,
    429,
    { code: RATE_LIMITED, message, text: "rate limit exceeded" },
    headers,
  );
  answer.reason = `rate limit exceeded: localRateLimit allows ${limit.description}`;
  return answer;
}

export const localRateLimit = definePolicy({
  key: "localRateLimit",
  schema: localRateLimitSchema,
  attachments: ["route"],
  step: "limit",
  compile: (config) => new LocalRateLimit(config),
});
