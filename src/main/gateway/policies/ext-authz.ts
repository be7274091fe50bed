/**
 * `extAuthz`: each request is put to an external authorization service (Envoy's ext_authz over
 * gRPC, or plain HTTP) before the steps after it, as agentgateway does. The service allows, and
 * may change the request's headers (which HTTP targets then receive too) and the answer's; or it
 * denies, with the answer the client gets. When it cannot decide, `failureMode` does.
 */
import { parseDuration } from "../../config/duration";
import { requestBody } from "../request-body";
import type { RuleScope } from "./cel/rule-types";
import { ValueExpression } from "./cel/value-expression";
import { headerChangeProblem } from "./changeable-headers";
import type { CompileContext, ConfigPath } from "./compile-context";
import {
  authorizationFailed,
  type AllowVerdict,
  type AuthorizationCheck,
  type BodyPart,
  type HeaderChange,
} from "./ext-authz/check";
import {
  DEFAULT_MAX_REQUEST_BYTES,
  extAuthzSchema,
  type ExtAuthzConfig,
  type FailureModeConfig,
  type GrpcProtocolConfig,
  type HttpProtocolConfig,
} from "./ext-authz/config";
import { HttpCheck, type HttpCheckOptions } from "./ext-authz/http-check";
import { checkHeaders } from "./ext-authz/request-headers";
import {
  serviceOrSocketAddress,
  type ServiceAddress,
  type SocketAddress,
} from "./ext-authz/service-address";
import { HeaderEdits, type HeaderEdit } from "./header-edits";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";

/** How long a check may take unless `policies.http.requestTimeout` says: agentgateway's 2 s. */
const DEFAULT_TIMEOUT_MS = 2000;

/** The body an unavailable service's denial carries under `denyWithStatus`, as agentgateway's. */
const UNAVAILABLE_BODY = "Authorization service unavailable";

interface ExtAuthzOptions {
  /** Where the policy is written, for the log. */
  where: string;
  /** The request headers the service is sent; undefined: every one. */
  headers: string[] | undefined;
  body: { maxBytes: number; allowPartial: boolean } | undefined;
  failureMode: FailureModeConfig;
  notice: CompileContext["notice"];
}

class ExtAuthz implements CompiledPolicy {
  readonly variesByCaller = true;
  /** Whether the service is failing now, so that failing open is reported once, not per request. */
  private failingOpen = false;

  constructor(
    private readonly service: AuthorizationCheck,
    readonly readsContext: boolean,
    private readonly options: ExtAuthzOptions,
  ) {}

  async handle(request: PolicyRequest): Promise<StepResult> {
    const body = await this.bodyPart(request);
    if (body === "too large") {
      const limit = this.options.body?.maxBytes;
      return authorizationFailed(
        413,
        `extAuthz: the request body is larger than includeRequestBody.maxRequestBytes (${limit})`,
      );
    }
    const headers = checkHeaders(request, this.options.headers);
    const verdict = await this.service.check({ request, headers, body });
    if (verdict.kind !== "unavailable" && this.failingOpen) {
      this.failingOpen = false;
      this.options.notice("info", `${this.options.where}: the authorization service answers again`);
    }
    switch (verdict.kind) {
      case "allow":
        return allow(request, verdict);
      case "deny":
        return verdict.answer;
      case "unavailable":
        return this.unavailable(verdict.cause);
    }
  }

  close(): Promise<void> {
    this.service.close();
    return Promise.resolve();
  }

  /** The part of the body the service is sent, or that it is too large to send. */
  private async bodyPart(request: PolicyRequest): Promise<BodyPart | "too large" | undefined> {
    const options = this.options.body;
    if (!options) return undefined;
    const whole = await requestBody(request.req);
    if (whole === undefined) return "too large";
    if (whole.length <= options.maxBytes) return { bytes: whole, partial: false };
    if (!options.allowPartial) return "too large";
    return { bytes: whole.subarray(0, options.maxBytes), partial: true };
  }

  /** No decision: deny (403), allow, or deny with the configured status. */
  private unavailable(cause: string): StepResult {
    const { failureMode, where } = this.options;
    const reason = `extAuthz: the authorization service is unavailable (${cause})`;
    if (failureMode === "allow") {
      if (!this.failingOpen) {
        this.failingOpen = true;
        this.options.notice("warn", `${where}: ${reason}; requests pass (failureMode: allow)`);
      }
      return undefined;
    }
    if (failureMode === "deny") return authorizationFailed(403, reason);
    return authorizationFailed(failureMode.denyWithStatus, reason, UNAVAILABLE_BODY);
  }
}

/**
 * Applies what the service allowed with: header changes to the request (so rules after this
 * see them, and HTTP targets are sent them) and headers for the answer. Headers the MCP
 * transport owns are left alone, as a header modifier may not change them either.
 */
function allow(request: PolicyRequest, verdict: AllowVerdict): StepResult {
  if (verdict.metadata) {
    // An extAuthz written at an inner attachment adds to an outer one's, as later names win.
    request.compute("extauthz", { ...request.computed.extauthz, ...verdict.metadata });
  }
  const { headers } = request.req;
  const edits: HeaderEdit[] = [];
  for (const change of verdict.requestHeaders) {
    const edit = requestEdit(change, headers[change.name] !== undefined);
    if (edit && headerChangeProblem(change.name, edit.kind) === undefined) edits.push(edit);
  }
  for (const name of verdict.removeHeaders) {
    if (headerChangeProblem(name, "remove") === undefined) edits.push({ kind: "remove", name });
  }
  if (edits.length > 0) {
    const changes = new HeaderEdits(edits);
    request.editHeaders(changes);
    request.sendToTargets(changes);
  }
  // agentgateway sets these, replacing a value already there, rather than appending.
  for (const { name, value } of verdict.responseHeaders) request.responseHeaders[name] = value;
  return undefined;
}

/** A header change as an edit of this request, given whether the header is there already. */
export function requestEdit(change: HeaderChange, present: boolean): HeaderEdit | undefined {
  const { name, value } = change;
  switch (change.action) {
    case "append":
      return { kind: "add", name, value };
    case "overwrite":
      return { kind: "set", name, value };
    case "addIfAbsent":
      return present ? undefined : { kind: "set", name, value };
    case "overwriteIfExists":
      return present ? { kind: "set", name, value } : undefined;
  }
}

/** Compiles a policy's CEL expressions; each reports its own problem, and any failure fails all. */
class Expressions {
  failed = false;
  count = 0;

  constructor(private readonly ctx: CompileContext) {}

  one(text: string | undefined, path: ConfigPath, scope?: RuleScope): ValueExpression | undefined {
    if (text === undefined) return undefined;
    const expression = ValueExpression.compile(text, path, this.ctx, scope);
    if (expression) this.count++;
    else this.failed = true;
    return expression;
  }

  /** A map of expressions, by key; `key` names each entry as it is used (a lowercase header). */
  map(
    texts: Record<string, string> | undefined,
    path: ConfigPath,
    key: (written: string) => string = (written) => written,
    scope?: RuleScope,
  ): Map<string, ValueExpression> {
    const compiled = new Map<string, ValueExpression>();
    for (const [written, text] of Object.entries(texts ?? {})) {
      const expression = this.one(text, [...path, written], scope);
      if (expression) compiled.set(key(written), expression);
    }
    return compiled;
  }
}

interface Connection {
  service: AuthorizationCheck;
  readsContext: boolean;
}

function httpCheck(
  config: ExtAuthzConfig,
  http: HttpProtocolConfig,
  address: ServiceAddress | SocketAddress,
  timeoutMs: number,
  path: ConfigPath,
  ctx: CompileContext,
): Connection | undefined {
  const at = [...path, "protocol", "http"];
  const cel = new Expressions(ctx);
  const options: HttpCheckOptions = {
    path: cel.one(http.path, [...at, "path"]),
    redirect: cel.one(http.redirect, [...at, "redirect"]),
    body: cel.one(http.body, [...at, "body"]),
    includeResponseHeaders: (http.includeResponseHeaders ?? []).map((name) => name.toLowerCase()),
    addRequestHeaders: cel.map(http.addRequestHeaders, [...at, "addRequestHeaders"], (name) =>
      name.toLowerCase(),
    ),
    metadata: cel.map(http.metadata, [...at, "metadata"], undefined, "authzResponse"),
    sendsBody: config.includeRequestBody !== undefined,
    timeoutMs,
  };
  if (cel.failed) return undefined;
  return { service: new HttpCheck(address, options), readsContext: cel.count > 0 };
}

async function grpcCheck(
  config: ExtAuthzConfig,
  grpc: GrpcProtocolConfig,
  address: ServiceAddress | SocketAddress,
  timeoutMs: number,
  path: ConfigPath,
  ctx: CompileContext,
): Promise<Connection | undefined> {
  const cel = new Expressions(ctx);
  const metadata =
    grpc.metadata && cel.map(grpc.metadata, [...path, "protocol", "grpc", "metadata"]);
  if (cel.failed) return undefined;
  // grpc-js and the protos are loaded with the first config that calls a gRPC service.
  const { GrpcCheck } = await import("./ext-authz/grpc-check");
  const service = new GrpcCheck(address, {
    context: grpc.context,
    metadata,
    packAsBytes: config.includeRequestBody?.packAsBytes ?? false,
    timeoutMs,
  });
  return { service, readsContext: cel.count > 0 };
}

export const extAuthz = definePolicy({
  key: "extAuthz",
  schema: extAuthzSchema,
  attachments: ["gateway", "listener", "route", "backend"],
  step: "authorize",
  async compile(config, path, ctx) {
    const address = serviceOrSocketAddress(config.host);
    if ("error" in address) {
      ctx.problem([...path, "host"], address.error);
      return undefined;
    }
    const timeout = config.policies?.http?.requestTimeout;
    const timeoutMs = timeout ? parseDuration(timeout) : DEFAULT_TIMEOUT_MS;
    const http = config.protocol?.http;
    const connected = http
      ? httpCheck(config, http, address, timeoutMs, path, ctx)
      : await grpcCheck(config, config.protocol?.grpc ?? {}, address, timeoutMs, path, ctx);
    if (!connected) return undefined;
    const body = config.includeRequestBody;
    return new ExtAuthz(connected.service, connected.readsContext, {
      where: path.join("."),
      // Unset, gRPC sends every header and HTTP only the Authorization header.
      headers: config.includeRequestHeaders ?? (http ? ["authorization"] : undefined),
      body: body && {
        maxBytes: body.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
        allowPartial: body.allowPartialMessage ?? false,
      },
      failureMode: config.failureMode ?? "deny",
      notice: ctx.notice,
    });
  },
});
