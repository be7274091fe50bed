/**
 * `mcpGuardrails`: MCP calls put to external ExtMCP policy servers, as agentgateway does. Each
 * processor sees the methods its `methods` select, before the call goes to its targets (it may
 * pass it, change its params, or refuse it) and/or after they answered (pass the result, change
 * it, or refuse the call). The relay asks it, like mcpAuthorization; it has no pipeline step.
 */
import type { IncomingMessage } from "node:http";
import { parseDuration } from "../../config/duration";
import type { Access } from "./caller";
import { ValueExpression } from "./cel/value-expression";
import { serviceAddress } from "./ext-authz/service-address";
import { HeaderFilter } from "./mcp-guardrails/call-headers";
import { mcpGuardrailsSchema, type ProcessorConfig } from "./mcp-guardrails/config";
import { MethodPhases, patternKind } from "./mcp-guardrails/method-phases";
import {
  RemoteProcessor,
  type CallFacts,
  type Outcome,
  type Refusal,
} from "./mcp-guardrails/processor";
import type { ConfigPath } from "./compile-context";
import { definePolicy, type CompiledPolicy, type PolicyCompileContext } from "./policy";

/** How long a check may take unless `policies.http.requestTimeout` says: agentgateway's 10 s. */
const DEFAULT_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;

/** What the guardrails made of a call's params or result: what to use, or the refusal. */
export type Checked = { value: Json | undefined; changed?: string } | { refusal: Refusal };

export class McpGuardrails implements CompiledPolicy {
  readonly variesByCaller = true;

  constructor(
    private readonly processors: readonly RemoteProcessor[],
    readonly readsContext: boolean,
  ) {}

  /** The guardrails as the calls of one HTTP request see them. */
  forRequest(req: IncomingMessage, access: Access): RequestGuardrails {
    return new RequestGuardrails(this.processors, req, access);
  }

  close(): Promise<void> {
    for (const processor of this.processors) processor.close();
    return Promise.resolve();
  }
}

/**
 * The processors, for the calls of one HTTP request. They run in order, each seeing what the
 * one before it left; the first to refuse answers the call.
 */
export class RequestGuardrails {
  constructor(
    private readonly processors: readonly RemoteProcessor[],
    private readonly req: IncomingMessage,
    private readonly access: Access,
  ) {}

  runsRequest(method: string): boolean {
    return this.processors.some((processor) => processor.runsRequest(method));
  }

  runsResponse(method: string): boolean {
    return this.processors.some((processor) => processor.runsResponse(method));
  }

  /** A call is about to go to `targets`; `params` only where it goes to one of them. */
  request(method: string, targets: readonly string[], params: Json | undefined): Promise<Checked> {
    return this.chain(method, targets, params, "params", (processor, call, value) =>
      processor.runsRequest(method) ? processor.checkRequest(call, value) : undefined,
    );
  }

  /** The targets answered a call with `result`. */
  response(method: string, targets: readonly string[], result: Json): Promise<Checked> {
    return this.chain(method, targets, result, "result", (processor, call, value) =>
      processor.runsResponse(method) ? processor.checkResponse(call, value ?? {}) : undefined,
    );
  }

  /** Puts the call to each processor that `check` asks, in order, each seeing the last change. */
  private async chain(
    method: string,
    targets: readonly string[],
    value: Json | undefined,
    what: "params" | "result",
    check: (
      processor: RemoteProcessor,
      call: CallFacts,
      value: Json | undefined,
    ) => Promise<Outcome> | undefined,
  ): Promise<Checked> {
    const call: CallFacts = { method, targets, req: this.req, access: this.access };
    let changed = false;
    for (const processor of this.processors) {
      const outcome = await check(processor, call, value);
      if (outcome?.kind === "refuse") return { refusal: outcome.refusal };
      if (outcome?.kind === "mutated") [value, changed] = [outcome.value, true];
    }
    return { value, ...(changed && { changed: `mcpGuardrails changed the ${what}` }) };
  }
}

async function compileProcessor(
  config: ProcessorConfig,
  path: ConfigPath,
  ctx: PolicyCompileContext,
): Promise<{ processor: RemoteProcessor; readsContext: boolean } | undefined> {
  const address = serviceAddress(config.host);
  if ("error" in address) {
    ctx.problem([...path, "host"], address.error);
    return undefined;
  }
  const methods = config.methods ?? {};
  for (const pattern of Object.keys(methods)) {
    if (patternKind(pattern) === 0) {
      ctx.warning(
        [...path, "methods", pattern],
        "this key can never match: write a method, 'prefix/*', '*/suffix' or '*'",
      );
    }
  }
  if (Object.keys(methods).length === 0) {
    ctx.warning([...path, "methods"], "no methods are listed: this processor sees no call");
  }
  const metadata = new Map<string, ValueExpression>();
  let failed = false;
  for (const [key, text] of Object.entries(config.metadata ?? {})) {
    const expression = ValueExpression.compile(text, [...path, "metadata", key], ctx);
    if (expression) metadata.set(key, expression);
    else failed = true;
  }
  if (failed) return undefined;
  const timeout = config.policies?.http?.requestTimeout;
  // grpc-js and the proto are loaded with the first config that has guardrails.
  const { ExtMcpClient } = await import("./mcp-guardrails/ext-mcp-client");
  const processor = new RemoteProcessor({
    phases: new MethodPhases(methods),
    client: new ExtMcpClient(address, timeout ? parseDuration(timeout) : DEFAULT_TIMEOUT_MS),
    failOpen: config.failureMode === "failOpen",
    metadata,
    headers: new HeaderFilter(config.requestHeaders),
    host: config.host,
    notice: ctx.notice,
  });
  return { processor, readsContext: metadata.size > 0 };
}

export const mcpGuardrails = definePolicy({
  key: "mcpGuardrails",
  schema: mcpGuardrailsSchema,
  attachments: ["route", "backend"],
  async compile(config, path, ctx) {
    const compiled = await Promise.all(
      config.processors.map((processor, i) =>
        compileProcessor(processor, [...path, "processors", i], ctx),
      ),
    );
    const processors = compiled.flatMap((one) => (one ? [one.processor] : []));
    if (processors.length < compiled.length) {
      for (const processor of processors) processor.close();
      return undefined;
    }
    return new McpGuardrails(
      processors,
      compiled.some((one) => one?.readsContext),
    );
  },
});
