import { z } from "zod";
import { evenBesideOtherProblems } from "../../config/schema-parts";

const name = z.string().min(1);

/** What the keys of a location say, for one use: a credential read from a request, or written. */
export interface LocationWording {
  header: string;
  prefix: string;
  queryParameter: string;
  cookie: string;
  /** Why the CEL `expression` form is refused in this use. */
  expression: string;
}

/**
 * agentgateway's `AuthorizationLocation`: one of a header (with a prefix such as `Bearer `), a
 * query parameter or a cookie. Its CEL `expression` form is refused, saying why.
 */
export function authorizationLocationSchema(wording: LocationWording) {
  return z
    .strictObject({
      header: z
        .strictObject({
          name: name.describe("The header that carries the credential."),
          prefix: z.string().nullable().optional().describe(wording.prefix),
        })
        .optional()
        .describe(wording.header),
      queryParameter: z
        .strictObject({ name: name.describe("The query parameter that carries the credential.") })
        .optional()
        .describe(wording.queryParameter),
      cookie: z
        .strictObject({ name: name.describe("The cookie that carries the credential.") })
        .optional()
        .describe(wording.cookie),
      expression: z.never({ error: wording.expression }).optional(),
    })
    .superRefine((value, ctx) => {
      const given = Object.keys(value).filter((key) => value[key as keyof typeof value]);
      if (given.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: [],
          message: `a location is one of header, queryParameter or cookie${given.length ? `, not ${given.join(" and ")}` : ""}`,
        });
      }
    }, evenBesideOtherProblems);
}
