/** Schema pieces the config's structure and the policies' own schemas share. */
import { z } from "zod";

export const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, {
    error: 'expected a duration such as "30s", "5m" or "1h30m"',
  })
  .describe("A Go-style duration: 500ms, 30s, 5m, 1h30m.");

export const port = z.int().min(1).max(65535);

export const stringList = z.array(z.string());

/**
 * For checks across the keys of one object. zod skips such a check once any key of the object
 * has a problem; this runs it anyway (when there is an object to look at), so that one load
 * reports every problem instead of revealing them one fix at a time.
 */
export const evenBesideOtherProblems = {
  when: ({ value }: { value: unknown }) =>
    typeof value === "object" && value !== null && !Array.isArray(value),
};

/** A key agentgateway takes here that Gatehouse refuses, saying why, rather than ignoring it. */
export function notTaken(reason: string) {
  return z
    .never({ error: `not supported by Gatehouse: ${reason}` })
    .optional()
    .describe(`Not supported by Gatehouse: ${reason}`);
}
