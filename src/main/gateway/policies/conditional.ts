import type { ParseResult } from "@marcbachmann/cel-js";
import { z } from "zod";
import { evenBesideOtherProblems } from "../../config/schema-parts";
import { compileExpression } from "./cel/compile-expression";
import type { CompileContext, ConfigPath } from "./compile-context";
import type { CelContext } from "./cel";
import { PolicyRequest } from "./policy";

/** agentgateway's limit on the entries of one `conditional` list. */
const MAX_ENTRIES = 64;

/**
 * A policy's schema with agentgateway's conditional form beside its own: either the policy's
 * fields, or `conditional: [{condition: <CEL>, ...fields}, ..., {...fields}]`, where the first
 * entry whose condition holds applies and one without a condition, last, is the fallback.
 * One object with both forms' keys (not a union), so that a mistake is reported at its key.
 */
export function withConditional<Shape extends z.ZodRawShape>(
  shape: Shape,
  required: readonly (keyof Shape & string)[],
) {
  const entry = z.strictObject({
    condition: z
      .string()
      .optional()
      .describe("A CEL expression; the first entry whose condition is true applies."),
    ...shape,
  });
  return z
    .strictObject(shape)
    .partial()
    .extend({
      conditional: z
        .array(entry)
        .min(1)
        .max(MAX_ENTRIES)
        .optional()
        .describe("Variants chosen per request: the first whose condition holds applies."),
    })
    .superRefine((value, ctx) => {
      const written = value as Record<string, unknown>;
      const own = Object.keys(shape).filter((key) => written[key] !== undefined);
      if (written.conditional !== undefined) {
        for (const key of own) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "with conditional, every setting goes in its entries",
          });
        }
        return;
      }
      for (const key of required) {
        if (written[key] === undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: "is required, but missing" });
        }
      }
    }, evenBesideOtherProblems);
}

interface Entry<T> {
  readonly condition: ParseResult | undefined;
  readonly value: T;
}

/** The variants of a conditional policy, compiled; `choose` picks one per request. */
export class Choice<T> {
  constructor(private readonly entries: readonly Entry<T>[]) {}

  get readsContext(): boolean {
    return this.entries.some((entry) => entry.condition !== undefined);
  }

  /** Whether any variant passes `test`. */
  some(test: (value: T) => boolean): boolean {
    return this.entries.some((entry) => test(entry.value));
  }

  /**
   * The first variant whose condition holds for the request (a condition that fails to
   * evaluate does not); the request's context is built only if a condition reads it.
   */
  choose(from: PolicyRequest | CelContext): T | undefined {
    for (const { condition, value } of this.entries) {
      if (condition === undefined) return value;
      if (holds(condition, from instanceof PolicyRequest ? from.context() : from)) return value;
    }
    return undefined;
  }
}

function holds(condition: ParseResult, context: CelContext): boolean {
  try {
    return condition(context) === true;
  } catch {
    return false;
  }
}

/**
 * Compiles a policy written in either form. `compileOne` compiles the settings of one variant
 * (the whole config, in the plain form); undefined when any part has a problem.
 */
export function compileChoice<Config extends object, T>(
  config: Config & { conditional?: (Config & { condition?: string })[] },
  path: ConfigPath,
  ctx: CompileContext,
  compileOne: (config: Config, path: ConfigPath) => T | undefined,
): Choice<T> | undefined {
  if (config.conditional === undefined) {
    const value = compileOne(config, path);
    return value === undefined ? undefined : new Choice([{ condition: undefined, value }]);
  }
  const entries: Entry<T>[] = [];
  let valid = true;
  config.conditional.forEach((entry, i) => {
    const at = [...path, "conditional", i];
    if (entry.condition === undefined && i < (config.conditional?.length ?? 0) - 1) {
      ctx.problem(at, "an entry without a condition is the fallback: it must be the last");
      valid = false;
    }
    const condition =
      entry.condition === undefined
        ? undefined
        : compileCondition(entry.condition, [...at, "condition"], ctx);
    const value = compileOne(entry, at);
    if (condition === null || value === undefined) valid = false;
    else entries.push({ condition, value });
  });
  return valid ? new Choice(entries) : undefined;
}

/** A compiled condition; null when it does not compile (the problem is reported). */
function compileCondition(
  expression: string,
  path: ConfigPath,
  ctx: CompileContext,
): ParseResult | null {
  const compiled = compileExpression(expression, "http");
  for (const warning of compiled.warnings) ctx.warning(path, warning.message);
  if ("error" in compiled) {
    ctx.problem(path, compiled.error.message);
    return null;
  }
  return compiled.program;
}
