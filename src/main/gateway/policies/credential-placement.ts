import { z } from "zod";
import { evenBesideOtherProblems } from "../../config/schema-parts";

const name = z.string().min(1);

/**
 * agentgateway's `AuthorizationLocation` where a credential is written into a request to a
 * target. Its `expression` form only reads credentials, so it is refused here.
 */
export const placementSchema = z
  .strictObject({
    header: z
      .strictObject({
        name: name.describe("The header that carries the credential."),
        prefix: z.string().optional().describe("Written before the value, e.g. `Bearer `."),
      })
      .optional()
      .describe("Send the credential in a request header."),
    queryParameter: z
      .strictObject({ name: name.describe("The query parameter that carries the credential.") })
      .optional()
      .describe("Send the credential as a URL query parameter."),
    cookie: z
      .strictObject({ name: name.describe("The cookie that carries the credential.") })
      .optional()
      .describe("Send the credential as a cookie."),
    expression: z
      .never({
        error:
          "an expression can read a credential, not write one: write header, queryParameter or cookie",
      })
      .optional(),
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
  }, evenBesideOtherProblems)
  .describe(
    "Where the credential goes in requests to the targets; default `Authorization: Bearer`.",
  );

export type PlacementConfig = z.infer<typeof placementSchema>;

const BEARER: PlacementConfig = { header: { name: "Authorization", prefix: "Bearer " } };

type FetchInput = string | URL | Request;

/** Writes a credential where a `location` says, in a request to a target about to be sent. */
export class CredentialPlacement {
  constructor(private readonly config: PlacementConfig = BEARER) {}

  /**
   * Why `value` cannot be sent there (a character a header cannot carry), or undefined: asked
   * when the config loads, so that no request fails on it later.
   */
  problem(value: string): string | undefined {
    const { header, cookie } = this.config;
    try {
      if (header) new Headers([[header.name, `${header.prefix ?? ""}${value}`]]);
      if (cookie) new Headers([["Cookie", `${cookie.name}=${value}`]]);
      return undefined;
    } catch {
      return "the credential holds characters an HTTP header cannot carry";
    }
  }

  /** The request's URL and options with the credential in place; the originals are kept. */
  place(
    input: FetchInput,
    init: RequestInit | undefined,
    value: string,
  ): [FetchInput, RequestInit] {
    const { header, queryParameter, cookie } = this.config;
    if (queryParameter) {
      const url = new URL(input instanceof Request ? input.url : input);
      url.searchParams.set(queryParameter.name, value);
      return [input instanceof Request ? new Request(url, input) : url, { ...init }];
    }
    const headers = new Headers(init?.headers);
    if (header) {
      headers.set(header.name, `${header.prefix ?? ""}${value}`);
    } else {
      const { name: cookieName } = cookie as { name: string };
      const others = (headers.get("Cookie") ?? "")
        .split(";")
        .map((pair) => pair.trim())
        .filter((pair) => pair && cookieNameOf(pair) !== cookieName);
      headers.set("Cookie", [...others, `${cookieName}=${value}`].join("; "));
    }
    return [input, { ...init, headers }];
  }
}

/** The name of one `name=value` pair of a `Cookie` header (all of it, for a pair without `=`). */
function cookieNameOf(pair: string): string {
  const equals = pair.indexOf("=");
  return equals === -1 ? pair : pair.slice(0, equals);
}
