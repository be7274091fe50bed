import { z } from "zod";
import type { AnswerHead } from "./answer-head";
import type { CelContext } from "./cel";
import { ValueExpression } from "./cel/value-expression";
import { headerChangeProblem, isHeaderValue } from "./changeable-headers";
import type { CompileContext, ConfigPath } from "./compile-context";
import { compileChoice, withConditional, type Choice } from "./conditional";
import { fetchWithEdits, HeaderEdits, type HeaderEdit } from "./header-edits";
import { definePolicy, type CompiledPolicy, type PolicyRequest } from "./policy";

const celMap = z.record(z.string(), z.string());

const transformSchema = z.strictObject({
  add: celMap.optional().describe("Headers to append, each value a CEL expression."),
  set: celMap.optional().describe("Headers to set, each value a CEL expression."),
  remove: z.array(z.string()).optional().describe("Header names to remove."),
  replace: z.string().optional().describe("Not in front of MCP: see the load error."),
  body: z.string().optional().describe("Not in front of MCP: see the load error."),
  metadata: celMap.optional().describe("Not in Gatehouse: see the load error."),
});

type TransformConfig = z.infer<typeof transformSchema>;

const transformationFields = {
  request: transformSchema.optional().describe("Changes to the request."),
  response: transformSchema.optional().describe("Changes to the answers to the client."),
};

type TransformationConfig = z.infer<z.ZodObject<typeof transformationFields>>;

/** Keys of agentgateway's transformations that Gatehouse refuses, and why. */
const REFUSED: Readonly<Record<"replace" | "body" | "metadata", string>> = {
  replace:
    "replacing every header would drop those the MCP transport needs (session, protocol version, content type): use set, add and remove",
  body: "the body is JSON-RPC (one message, a batch, or a stream of them), which the relay reads once and relays as it is; a CEL expression that replaces it breaks the protocol, and would hold back every streamed answer until its end: shape what callers may call with mcpAuthorization instead",
  metadata:
    "Gatehouse keeps no per-request metadata for later expressions or its log to read: compute what you need where you use it",
};

/** One side of a transformation: CEL-valued header changes, evaluated once per request. */
class HeaderTransform {
  constructor(
    private readonly add: readonly (readonly [string, ValueExpression])[],
    private readonly set: readonly (readonly [string, ValueExpression])[],
    private readonly remove: readonly string[],
  ) {}

  /**
   * The edits for one request, every expression seeing the request as it was before them. As
   * agentgateway, a value that fails (a claim the caller's token lacks, say), or that cannot be a
   * header's, removes the header: a failure must not leave a caller's own value standing.
   */
  evaluate(context: CelContext): HeaderEdits {
    const edits: HeaderEdit[] = [];
    for (const kind of ["add", "set"] as const) {
      for (const [name, expression] of this[kind]) {
        const value = expression.text(context);
        edits.push(
          "value" in value && isHeaderValue(value.value)
            ? { kind, name, value: value.value }
            : { kind: "remove", name },
        );
      }
    }
    for (const name of this.remove) edits.push({ kind: "remove", name });
    return new HeaderEdits(edits);
  }
}

/** A transformation's two sides, as one variant of the policy. */
class Transformation {
  constructor(
    readonly request: HeaderTransform | undefined,
    private readonly response: HeaderTransform | undefined,
  ) {}

  /** Registered with a request: edits its answer's head, seeing the answer as `response`. */
  readonly editAnswer = (head: AnswerHead, request: PolicyRequest): void => {
    const context = request.context();
    const response = { code: BigInt(head.status), headers: head.all() };
    this.response?.evaluate({ ...context, response } as CelContext).applyToAnswer(head);
  };

  get editsAnswers(): boolean {
    return this.response !== undefined;
  }
}

/**
 * `transformations`, the header parts of agentgateway's CEL transformations. Where it runs:
 * - on a gateway, listener or route, the request side changes the client's request, as later
 *   policies and the relay read it, and what its HTTP targets are sent (agentgateway forwards
 *   the transformed request to MCP targets);
 * - on a backend, the request side changes only what its targets are sent;
 * - on a target, what that target is sent, computed from the session's latest request;
 * - the response side changes the answers to the client (a target's own answers are read by the
 *   relay, never seen by the client, so on a target it is refused).
 */
class Transformations implements CompiledPolicy {
  readonly readsContext = true;
  readonly variesByCaller = true;
  private readonly perRequest = new WeakMap<CelContext, readonly HeaderEdits[] | undefined>();

  constructor(
    private readonly choice: Choice<Transformation>,
    private readonly clientSide: boolean,
  ) {}

  handle(request: PolicyRequest): undefined {
    const chosen = this.choice.choose(request);
    if (!chosen) return undefined;
    if (chosen.request) {
      const edits = chosen.request.evaluate(request.context());
      if (this.clientSide) request.editHeaders(edits);
      request.sendToTargets(edits);
    }
    if (chosen.editsAnswers) request.editAnswers(chosen.editAnswer);
    return undefined;
  }

  /** On a target: the edits for the request the session served last, computed once for it. */
  forTarget(context: CelContext | undefined): readonly HeaderEdits[] | undefined {
    if (context === undefined) return undefined;
    if (this.perRequest.has(context)) return this.perRequest.get(context);
    const chosen = this.choice.choose(context);
    const edits = chosen?.request && [chosen.request.evaluate(context)];
    this.perRequest.set(context, edits);
    return edits;
  }
}

function compileTransform(
  config: TransformConfig,
  path: ConfigPath,
  ctx: CompileContext,
  scope: "http" | "log",
): HeaderTransform | undefined {
  let valid = true;
  for (const key of ["replace", "body", "metadata"] as const) {
    if (config[key] !== undefined) {
      ctx.problem([...path, key], `${key} is not supported in front of MCP: ${REFUSED[key]}`);
      valid = false;
    }
  }
  const compiled = {
    add: [] as [string, ValueExpression][],
    set: [] as [string, ValueExpression][],
  };
  for (const kind of ["add", "set"] as const) {
    for (const [name, source] of Object.entries(config[kind] ?? {})) {
      const at = [...path, kind, name];
      const problem = headerChangeProblem(name, kind);
      if (problem) ctx.problem(at, problem);
      const expression = ValueExpression.compile(source, at, ctx, scope);
      if (problem || !expression) valid = false;
      else compiled[kind].push([name.toLowerCase(), expression]);
    }
  }
  const remove = (config.remove ?? []).map((name, i) => {
    const problem = headerChangeProblem(name, "remove");
    if (problem) {
      ctx.problem([...path, "remove", i], problem);
      valid = false;
    }
    return name.toLowerCase();
  });
  return valid ? new HeaderTransform(compiled.add, compiled.set, remove) : undefined;
}

export const transformations = definePolicy({
  key: "transformations",
  schema: withConditional(transformationFields, []).describe(
    "Set, add or remove request and answer headers, with values computed by CEL expressions.",
  ),
  attachments: ["gateway", "listener", "route", "backend", "target"],
  step: "modify",
  compile(config, path, ctx): CompiledPolicy | undefined {
    const onTarget = ctx.attachment === "target";
    let valid = true;
    const choice = compileChoice<TransformationConfig, Transformation>(
      config,
      path,
      ctx,
      (one, at) => {
        if (onTarget && one.response !== undefined) {
          ctx.problem(
            [...at, "response"],
            "a target's answers are read by the relay and never reach the client: transform the client's answers on the route or backend",
          );
          valid = false;
        }
        const request =
          one.request && compileTransform(one.request, [...at, "request"], ctx, "http");
        // Answers are edited once they are known: their expressions also see `response`.
        const response =
          one.response && compileTransform(one.response, [...at, "response"], ctx, "log");
        if ((one.request && !request) || (one.response && !response)) return undefined;
        return new Transformation(request, response);
      },
    );
    if (!choice || !valid) return undefined;
    const compiled = new Transformations(choice, ctx.attachment !== "backend");
    if (!onTarget) return compiled;
    return {
      readsContext: true,
      variesByCaller: true,
      wrapFetch: (next, _token, scope) =>
        fetchWithEdits(next, () => compiled.forTarget(scope.served()?.access.context)),
    };
  },
});
