import { z } from "zod";
import { celToJson, ValueExpression } from "./cel/value-expression";
import { headerNameProblem, isHeaderValue } from "./changeable-headers";
import type { CompileContext, ConfigPath } from "./compile-context";
import { compileChoice, withConditional } from "./conditional";
import { definePolicy, type Answer, type PolicyRequest, type StepResult } from "./policy";

const directResponseFields = {
  body: z.string().optional().describe("The body, as written."),
  bodyExpression: z
    .string()
    .optional()
    .describe(
      "A CEL expression for the body: a string or bytes as they are, anything else as JSON.",
    ),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe("Headers of the answer, each value a CEL expression; one that fails is left out."),
  status: z.int().min(100).max(999).describe("The status code."),
};

const directResponseSchema = withConditional(directResponseFields, ["status"]).describe(
  "Answers with this status and body instead of serving the request.",
);

type DirectResponseConfig = z.infer<z.ZodObject<typeof directResponseFields>>;

/** One answer a `directResponse` gives, compiled. */
class DirectAnswer {
  constructor(
    private readonly status: number,
    private readonly body: string | ValueExpression,
    private readonly headers: readonly (readonly [string, ValueExpression])[],
  ) {}

  get readsContext(): boolean {
    return this.body instanceof ValueExpression || this.headers.length > 0;
  }

  /** As agentgateway: a body that cannot be computed is an error (500), a header is left out. */
  answer(request: PolicyRequest): Answer {
    let body = this.body;
    if (body instanceof ValueExpression) {
      const result = body.evaluate(request.context());
      if ("error" in result) {
        const error = `directResponse: the bodyExpression failed: ${result.error}`;
        return { status: 500, headers: {}, body: error, error };
      }
      body = asBody(result.value);
    }
    const headers: Record<string, string> = {};
    for (const [name, expression] of this.headers) {
      const value = expression.text(request.context());
      if ("value" in value && isHeaderValue(value.value)) headers[name] = value.value;
    }
    return { status: this.status, headers, body };
  }
}

/** A CEL value as a body: text and bytes as they are, anything else as its JSON. */
function asBody(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return JSON.stringify(celToJson(value));
}

function compileAnswer(
  config: DirectResponseConfig,
  path: ConfigPath,
  ctx: CompileContext,
): DirectAnswer | undefined {
  let valid = true;
  let body: string | ValueExpression = config.body ?? "";
  if (config.bodyExpression !== undefined) {
    if (config.body !== undefined) {
      ctx.problem([...path, "bodyExpression"], "body and bodyExpression may not both be set");
      valid = false;
    }
    const expression = ValueExpression.compile(
      config.bodyExpression,
      [...path, "bodyExpression"],
      ctx,
    );
    if (expression) body = expression;
    else valid = false;
  }
  const headers: [string, ValueExpression][] = [];
  for (const [name, source] of Object.entries(config.headers ?? {})) {
    const at = [...path, "headers", name];
    const problem = headerNameProblem(name);
    if (problem) ctx.problem(at, problem);
    const expression = ValueExpression.compile(source, at, ctx);
    if (problem || !expression) valid = false;
    else headers.push([name.toLowerCase(), expression]);
  }
  return valid ? new DirectAnswer(config.status, body, headers) : undefined;
}

/** `directResponse`: answers in place of the targets, with agentgateway's conditional form. */
export const directResponse = definePolicy({
  key: "directResponse",
  schema: directResponseSchema,
  attachments: ["route"],
  step: "respond",
  compile(config, path, ctx) {
    // The plain form's status is there: the schema requires it where there is no `conditional`.
    const choice = compileChoice(
      config as typeof config & DirectResponseConfig,
      path,
      ctx,
      (one, at) => compileAnswer(one, at, ctx),
    );
    if (!choice) return undefined;
    const readsContext = choice.readsContext || choice.some((answer) => answer.readsContext);
    return {
      readsContext,
      variesByCaller: readsContext,
      handle: (request: PolicyRequest): StepResult => choice.choose(request)?.answer(request),
    };
  },
});
