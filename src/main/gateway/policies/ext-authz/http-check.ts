/**
 * The HTTP check, as agentgateway makes it: the request's method and path (or the `path`
 * expression's), only the Authorization header unless told otherwise, and the answer read by its
 * status: 2xx allows, anything else is the denial the client gets, as the service wrote it.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { celToJson, type ValueExpression } from "../cel/value-expression";
import { readBounded } from "../../relay/read-bounded";
import type { Answer, PolicyRequest } from "../policy";
import {
  authorizationFailed,
  MAX_ANSWER_BYTES,
  type AuthorizationCheck,
  type AllowVerdict,
  type CheckInput,
  type HeaderChange,
  type Verdict,
} from "./check";
import { HTTP_TOKEN, isSettableHeader } from "./header-names";
import type { ServiceAddress, SocketAddress } from "./service-address";

export interface HttpCheckOptions {
  path: ValueExpression | undefined;
  redirect: ValueExpression | undefined;
  body: ValueExpression | undefined;
  /** Headers of an allowing answer that are set on the request. */
  includeResponseHeaders: readonly string[];
  /** Headers (or pseudo-headers) of the check request, computed per request. */
  addRequestHeaders: ReadonlyMap<string, ValueExpression>;
  /**
   * Values computed from an allowing answer (`response.code`, `.headers`, `.body`) that later
   * CEL reads as `extauthz.<name>`; an expression that fails leaves its name out.
   */
  metadata: ReadonlyMap<string, ValueExpression>;
  /** Whether the request's body goes along, with `x-envoy-auth-partial-body` saying if whole. */
  sendsBody: boolean;
  timeoutMs: number;
}

/** What the service is sent; headers by lowercase name. */
interface CheckRequest {
  method: string;
  path: string;
  headers: Map<string, string>;
  body: Buffer | string;
}

/** Headers that belong to one connection or to the body's framing, never copied to an answer. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "content-length",
]);

export class HttpCheck implements AuthorizationCheck {
  private readonly agent: HttpAgent;

  constructor(
    private readonly address: ServiceAddress | SocketAddress,
    private readonly options: HttpCheckOptions,
  ) {
    this.agent =
      "secure" in address && address.secure
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
  }

  async check(input: CheckInput): Promise<Verdict> {
    const prepared = this.prepare(input);
    if ("error" in prepared) {
      return { kind: "deny", answer: authorizationFailed(403, `extAuthz: ${prepared.error}`) };
    }
    let response: IncomingMessage;
    let body: Buffer | undefined;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      response = await this.send(prepared, signal);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        const verdict = this.allowed(response);
        if (this.options.metadata.size === 0) response.resume();
        else verdict.metadata = await this.metadata(input.request, response);
        return verdict;
      }
      body = await readBounded(response, MAX_ANSWER_BYTES);
    } catch (error) {
      const cause = signal.aborted
        ? `no answer within ${this.options.timeoutMs} ms`
        : (error as Error).message;
      return { kind: "unavailable", cause };
    }
    if (body === undefined) {
      return { kind: "unavailable", cause: `its answer is larger than ${MAX_ANSWER_BYTES} bytes` };
    }
    return { kind: "deny", answer: this.denial(input.request, response, body) };
  }

  close(): void {
    this.agent.destroy();
  }

  /** The check request, or why it cannot be made (an expression failed). */
  private prepare({ request, headers, body }: CheckInput): CheckRequest | { error: string } {
    const { req } = request;
    const { options } = this;
    const context =
      options.path || options.body || options.addRequestHeaders.size > 0
        ? request.context()
        : undefined;
    let path = req.url ?? "/";
    if (options.path && context) {
      const computed = options.path.text(context);
      if ("error" in computed) return { error: `the path expression failed: ${computed.error}` };
      if (!computed.value.startsWith("/")) {
        return { error: `the path expression gave "${computed.value}", which is not a path` };
      }
      path = computed.value;
    }
    const check: CheckRequest = { method: req.method ?? "GET", path, headers: new Map(), body: "" };
    for (const [name, value] of Object.entries(headers)) setHeader(check, name, value);
    if (options.body && context) {
      const computed = options.body.evaluate(context);
      if ("error" in computed) return { error: `the body expression failed: ${computed.error}` };
      check.body = bodyText(computed.value);
    } else if (options.sendsBody) {
      if (body) check.body = body.bytes;
      check.headers.set("x-envoy-auth-partial-body", String(body?.partial ?? false));
    }
    for (const [name, expression] of options.addRequestHeaders) {
      const computed = context && expression.text(context);
      // A failed expression removes the header, so that it never leaves one set by someone else.
      if (computed && "value" in computed) setHeader(check, name, computed.value);
      else check.headers.delete(name);
    }
    return check;
  }

  private send(check: CheckRequest, signal: AbortSignal): Promise<IncomingMessage> {
    const { address } = this;
    // Over a Unix socket the Host header is `localhost` unless `:authority` sets one.
    const where =
      "socketPath" in address
        ? { socketPath: address.socketPath }
        : { host: address.hostname, port: address.port };
    const send = "secure" in address && address.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send({
        ...where,
        method: check.method,
        path: check.path,
        headers: Object.fromEntries(check.headers),
        agent: this.agent,
        signal,
      });
      outgoing.once("response", resolve).once("error", reject);
      outgoing.end(check.body);
    });
  }

  /** Allowed: the listed headers of the answer go onto the request. */
  private allowed(response: IncomingMessage): AllowVerdict {
    const requestHeaders: HeaderChange[] = [];
    for (const name of this.options.includeResponseHeaders) {
      const value = response.headers[name];
      const text = Array.isArray(value) ? value.join(", ") : value;
      if (text !== undefined && isSettableHeader(name, text)) {
        requestHeaders.push({ name, value: text, action: "overwrite" });
      }
    }
    return { kind: "allow", requestHeaders, removeHeaders: [], responseHeaders: [] };
  }

  /**
   * The metadata expressions' values for an allowing answer. An answer too large to read gives
   * its expressions an empty body, as agentgateway's give up on one it cannot buffer.
   */
  private async metadata(
    request: PolicyRequest,
    response: IncomingMessage,
  ): Promise<Record<string, unknown>> {
    const body = (await readBounded(response, MAX_ANSWER_BYTES)) ?? Buffer.alloc(0);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const context = {
      ...request.context(),
      response: { code: BigInt(response.statusCode ?? 200), headers, body: new Uint8Array(body) },
    };
    const values: Record<string, unknown> = {};
    for (const [name, expression] of this.options.metadata) {
      const computed = expression.evaluate(context);
      if ("value" in computed) values[name] = computed.value;
    }
    return values;
  }

  /** Denied: the service's answer as it is, or a redirect for a 401 or 403 when one is set. */
  private denial(request: PolicyRequest, response: IncomingMessage, body: Buffer): Answer {
    const status = response.statusCode ?? 403;
    const reason = `extAuthz: the authorization service answered ${status}`;
    if ((status === 401 || status === 403) && this.options.redirect) {
      const location = this.options.redirect.text(request.context());
      if ("error" in location || !isSettableHeader("location", location.value)) {
        const why = "error" in location ? location.error : "not a valid Location";
        return authorizationFailed(403, `${reason}; the redirect expression failed: ${why}`);
      }
      return { status: 302, headers: { Location: location.value }, body: "", reason };
    }
    const headers: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    return { status, headers, body: body.toString("utf8"), reason };
  }
}

/** Pseudo-headers set the request line, as they do in agentgateway; others are headers. */
function setHeader(check: CheckRequest, name: string, value: string): void {
  switch (name) {
    case ":method":
      if (HTTP_TOKEN.test(value)) check.method = value;
      return;
    case ":path":
      if (value.startsWith("/") && isSettableHeader("path", value)) check.path = value;
      return;
    case ":authority":
      check.headers.set("host", value);
      return;
    case ":scheme":
      return; // the connection to the service decides the scheme
    default:
      if (isSettableHeader(name, value)) check.headers.set(name, value);
  }
}

/** Strings and bytes as they are; any other value as JSON, as agentgateway sends it. */
function bodyText(value: unknown): Buffer | string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return JSON.stringify(celToJson(value)) ?? "";
}
