import { setTimeout as pause } from "node:timers/promises";
import { z } from "zod";
import { parseDuration } from "../../config/duration";
import { duration as durationSchema } from "../../config/schema-parts";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";
import { stepError } from "./step-error";
import { REQUEST_TIMEOUT } from "./timeout";

/** Injected latency is for trying out how clients cope with slow answers, not for holding them. */
const MAX_DELAY_MS = 5 * 60_000;

const delaySchema = z
  .strictObject({
    duration: z
      .string()
      .superRefine((text, ctx) => {
        if (!durationSchema.safeParse(text).success) {
          ctx.addIssue({
            code: "custom",
            message:
              'Gatehouse takes a fixed duration here, such as "2s" or "500ms"; a CEL expression (random delays) is not supported',
          });
        } else if (parseDuration(text) > MAX_DELAY_MS) {
          ctx.addIssue({
            code: "custom",
            message: "at most 5m: a delay is for testing how clients cope with slow answers",
          });
        }
      })
      .describe('A fixed latency, such as "2s" or "500ms", at most 5m.'),
  })
  .describe("Waits before forwarding each request; the wait counts against requestTimeout.");

/**
 * The `delay` policy (fault injection): each request waits `duration` after authentication
 * and before it is forwarded. The wait counts against the route's `requestTimeout`, as in
 * agentgateway: one that would outlast the deadline ends at it with a 504.
 */
export const delay = definePolicy({
  key: "delay",
  schema: delaySchema,
  attachments: ["route"],
  step: "respond",
  compile(config): CompiledPolicy {
    const ms = parseDuration(config.duration);
    if (ms === 0) return {};
    return { handle: (request) => wait(request, ms) };
  },
});

async function wait(request: PolicyRequest, ms: number): Promise<StepResult> {
  const { deadline } = request;
  const now = performance.now();
  if (deadline === undefined || now + ms < deadline) {
    await pause(ms);
    return undefined;
  }
  await pause(Math.max(deadline - now, 0));
  const answer = stepError(request, REQUEST_TIMEOUT.status, REQUEST_TIMEOUT);
  answer.error = `${REQUEST_TIMEOUT.message}: the delay outlasted it`;
  return answer;
}
