import type { ParseResult } from "@marcbachmann/cel-js";
import { z } from "zod";
import { compileValueExpression } from "../cel/compile-expression";
import type { CompileContext, ConfigPath } from "../compile-context";
import type { PolicyRequest } from "../policy";

/**
 * agentgateway's `StringBoolFloat`: `true`, `0.25`, `"0.25"`, or a CEL expression giving either
 * (`request.headers["x-debug"] == "1"`).
 */
export const samplingSchema = z.union([z.boolean(), z.number().min(0).max(1), z.string().min(1)]);

export type SamplingConfig = z.infer<typeof samplingSchema>;

/**
 * Whether to trace a request: a constant, or an expression over the request as it arrived (no
 * caller yet: sampling comes before authentication, as in agentgateway). True or a probability
 * between 0 and 1; anything else, or an error, is false.
 */
export type Sampler = (request: PolicyRequest) => boolean;

const ALWAYS: Sampler = () => true;
const NEVER: Sampler = () => false;

/** Compiles a sampling setting once, at load; undefined (and a problem) when it does not compile. */
export function compileSampler(
  config: SamplingConfig,
  path: ConfigPath,
  ctx: CompileContext,
): Sampler | undefined {
  const compiled = compileValueExpression(String(config), "http");
  for (const { message } of compiled.warnings) ctx.warning(path, message);
  if ("error" in compiled) {
    ctx.problem(path, compiled.error.message);
    return undefined;
  }
  const { program } = compiled;
  // A literal (`true`, `0.1`) is decided once here rather than per request.
  if (program.ast.op === "value") return constant(program({}));
  return (request) => chance(evaluate(program, request));
}

function evaluate(program: ParseResult, request: PolicyRequest): unknown {
  try {
    return program(request.context());
  } catch {
    return false;
  }
}

function constant(value: unknown): Sampler {
  if (typeof value === "number" && value > 0 && value < 1) return () => Math.random() < value;
  return chance(value) ? ALWAYS : NEVER;
}

function chance(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "bigint") return value >= 1n;
  return typeof value === "number" && Math.random() < value;
}
