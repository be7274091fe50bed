import { Agent, type Dispatcher } from "undici";
import { z } from "zod";
import { definePolicy, type CompiledPolicy, type Fetch, type FetchScope } from "./policy";
import { authoritySchema, pathSchema } from "./url-parts";

const urlRewriteSchema = z
  .strictObject({ authority: authoritySchema.optional(), path: pathSchema.optional() })
  .describe(
    "In front of MCP: the Host header and the path that requests to the route's HTTP targets carry.",
  );

const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/** What the Host header of a request to a target is, from the target's own origin. */
type HostFor = (origin: URL) => string;

/**
 * `urlRewrite` in front of an MCP backend. The route has matched already, and the relay answers
 * the client itself, so what a rewrite can change is what agentgateway's MCP client sends each
 * HTTP target: it copies the rewritten authority onto its requests as their Host. The path goes
 * there too (agentgateway keeps it to pick its own MCP endpoint, which Gatehouse tells apart by
 * the request itself): requests to a target's own path go to `path.full` instead. A prefix
 * rewrite, which maps the client's path, and `authority: none`, which would send each target
 * the client's Host, have no meaning toward targets with addresses of their own: refused.
 */
class UrlRewrite {
  private readonly agent: Agent | undefined;
  /** The agent, or a dispatcher another policy set, with the Host interceptor in front. */
  private readonly composed = new WeakMap<Dispatcher, Dispatcher>();

  constructor(
    private readonly hostFor: HostFor | undefined,
    private readonly path: string | undefined,
  ) {
    this.agent = hostFor && new Agent();
  }

  wrapFetch(next: Fetch, _callerToken: unknown, scope: FetchScope): Fetch {
    const targetPath = new URL(scope.target.url).pathname;
    return (url, init) => {
      const href = typeof url === "string" ? url : url instanceof URL ? url.href : url.url;
      const rewritten = this.rewritePath(href, targetPath);
      const target = url instanceof Request ? new Request(rewritten, url) : rewritten;
      if (!this.hostFor) return next(target, init);
      // Node's fetch sends the URL's host as Host whatever the headers say; its dispatcher,
      // undici's, takes a Host header.
      const given = (init as { dispatcher?: Dispatcher } | undefined)?.dispatcher;
      const through = { ...init, dispatcher: this.withHost(given ?? (this.agent as Agent)) };
      return next(target, through as unknown as RequestInit);
    };
  }

  close(): Promise<void> {
    return this.agent?.close() ?? Promise.resolve();
  }

  private rewritePath(href: string, targetPath: string): string {
    if (this.path === undefined) return href;
    const url = new URL(href);
    // Only the target's own address: an SSE target's message endpoint is its own to name.
    if (url.pathname !== targetPath) return href;
    url.pathname = this.path;
    return url.href;
  }

  private withHost(dispatcher: Dispatcher): Dispatcher {
    let composed = this.composed.get(dispatcher);
    if (!composed) {
      const hostFor = this.hostFor as HostFor;
      composed = dispatcher.compose((dispatch) => (options, handler) => {
        const host = hostFor(new URL(String(options.origin)));
        const headers = options.headers;
        const withHost = Array.isArray(headers)
          ? [...headers, "host", host]
          : { ...(headers as Record<string, string>), host };
        return dispatch({ ...options, headers: withHost }, handler);
      });
      this.composed.set(dispatcher, composed);
    }
    return composed;
  }
}

export const urlRewrite = definePolicy({
  key: "urlRewrite",
  schema: urlRewriteSchema,
  attachments: ["route"],
  compile(config, path, ctx): CompiledPolicy | undefined {
    const { authority } = config;
    let valid = true;
    if (authority === "none") {
      ctx.problem(
        [...path, "authority"],
        'authority "none" would send each target the Host the client used, which names the gateway: leave it out, or say full, host or port',
      );
      valid = false;
    }
    if (config.path && "prefix" in config.path) {
      ctx.problem(
        [...path, "path", "prefix"],
        "a prefix rewrite maps the client's path, but in front of MCP each target has an address of its own: use full, or write the path in the target's address",
      );
      valid = false;
    }
    if (!valid) return undefined;
    const hostFor: HostFor | undefined =
      authority === undefined || typeof authority === "string"
        ? undefined // "auto": each target's own host, as without a rewrite
        : "full" in authority
          ? () => authority.full
          : "host" in authority
            ? () => authority.host
            : (origin) =>
                DEFAULT_PORTS[origin.protocol] === String(authority.port)
                  ? origin.hostname
                  : `${origin.hostname}:${authority.port}`;
    const newPath = config.path && "full" in config.path ? config.path.full || "/" : undefined;
    return new UrlRewrite(hostFor, newPath);
  },
});
