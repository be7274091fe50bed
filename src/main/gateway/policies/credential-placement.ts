import type { z } from "zod";
import { authorizationLocationSchema } from "./authorization-location";

/** Where a credential is written into a request to a target. */
export const placementSchema = authorizationLocationSchema({
  header: "Send the credential in a request header.",
  prefix: "Written before the value, e.g. `Bearer `.",
  queryParameter: "Send the credential as a URL query parameter.",
  cookie: "Send the credential as a cookie.",
  expression:
    "an expression can read a credential, not write one: write header, queryParameter or cookie",
}).describe(
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
