import { z } from "zod";
import type { PathMatch } from "../../config/model";
import { bestPathMatch } from "../routes";
import { definePolicy, type Answer, type PolicyRequest, type StepResult } from "./policy";
import { authoritySchema, pathSchema, type AuthorityChange, type PathChange } from "./url-parts";

const redirectSchema = z
  .strictObject({
    scheme: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9+.-]*$/, { error: 'expected a URL scheme such as "https"' })
      .optional()
      .describe("The scheme of the new location; default: the request's (http)."),
    authority: authoritySchema.optional(),
    path: pathSchema.optional(),
    status: z.int().min(100).max(999).optional().describe("Default 302."),
  })
  .describe("Answers with a redirect instead of serving the request.");

type RedirectConfig = z.infer<typeof redirectSchema>;

/** Gatehouse's listeners speak plain HTTP: the scheme of every request. */
const REQUEST_SCHEME = "http";

/** The port a scheme implies, which a URL leaves out. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * `requestRedirect`, as agentgateway computes the location (filters.rs): the request's scheme,
 * Host and path, each replaced as the config says, the query kept; 302 unless `status` says
 * otherwise. On a backend it redirects the client all the same: an MCP backend's targets cannot
 * follow a redirect on the client's behalf, so the client's request is what it can move.
 */
class RequestRedirect {
  private readonly status: number;
  /** Schemes are case-insensitive; a location spells them in lowercase. */
  private readonly scheme: string | undefined;

  constructor(
    private readonly config: RedirectConfig,
    private readonly routePaths: readonly PathMatch[],
  ) {
    this.status = config.status ?? 302;
    this.scheme = config.scheme?.toLowerCase();
  }

  handle(request: PolicyRequest): StepResult {
    const origin = request.req.headers.host;
    if (origin === undefined) return plain(400, "the request names no Host to redirect from");
    const rawUrl = request.req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const query = queryAt === -1 ? "" : rawUrl.slice(queryAt);
    const path = this.path(request.path);
    if (path === undefined) {
      return plain(
        500,
        "requestRedirect: a prefix path needs the route to match this request by a path prefix",
      );
    }
    const scheme = this.scheme ?? REQUEST_SCHEME;
    const location = `${scheme}://${this.authority(origin, scheme)}${path}${query}`;
    return { status: this.status, headers: { Location: location }, body: "" };
  }

  private authority(origin: string, scheme: string): string {
    const change: AuthorityChange | undefined = this.config.authority;
    if (change === undefined || typeof change === "string") return origin;
    if ("full" in change) return change.full;
    const { host, port } = splitAuthority(origin);
    if ("host" in change) {
      // As agentgateway: a configured http or https scheme drops the port; otherwise the
      // request's port stays, unless the new scheme implies it.
      if (port === undefined || this.scheme === "http" || this.scheme === "https") {
        return change.host;
      }
      return withPort(change.host, port, scheme);
    }
    return withPort(host, change.port, scheme);
  }

  /** The new path; undefined when a prefix is to be replaced and the route matched none. */
  private path(path: string): string | undefined {
    const change: PathChange | undefined = this.config.path;
    if (change === undefined) return path;
    if ("full" in change) return change.full || "/";
    const matched =
      this.routePaths.length === 0
        ? ({ kind: "prefix", value: "/" } as const)
        : bestPathMatch(this.routePaths, path);
    if (matched?.kind !== "prefix") return undefined;
    const rest = path.slice(matched.value.replace(/\/+$/, "").length);
    let replaced = change.prefix;
    if (!replaced.endsWith("/") && rest !== "" && !rest.startsWith("/")) replaced += "/";
    if (replaced.endsWith("/") && rest.startsWith("/")) replaced = replaced.slice(0, -1);
    return replaced + rest || "/";
  }
}

/** `host:port`, without the port where the scheme implies it. */
function withPort(host: string, port: number, scheme: string): string {
  return DEFAULT_PORTS[scheme] === port ? host : `${host}:${port}`;
}

/** A Host header's host and port: `name`, `name:8080`, `[::1]:8080`. */
function splitAuthority(authority: string): { host: string; port: number | undefined } {
  const colon = authority.lastIndexOf(":");
  if (colon === -1 || colon < authority.lastIndexOf("]"))
    return { host: authority, port: undefined };
  return { host: authority.slice(0, colon), port: Number(authority.slice(colon + 1)) };
}

function plain(status: number, message: string): Answer {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: message };
}

export const requestRedirect = definePolicy({
  key: "requestRedirect",
  schema: redirectSchema,
  attachments: ["route", "backend"],
  step: "respond",
  compile(config, path, ctx) {
    const routePaths = ctx.routePaths ?? [];
    const prefix = config.path !== undefined && "prefix" in config.path;
    if (prefix && routePaths.length > 0 && !routePaths.some((match) => match.kind === "prefix")) {
      ctx.problem(
        [...path, "path", "prefix"],
        "a prefix path replaces what the route's path prefix matched, but this route matches exact paths only: use full",
      );
      return undefined;
    }
    return new RequestRedirect(config, routePaths);
  },
});
