import type { ParseResult } from "@marcbachmann/cel-js";
import type { CompileContext, ConfigPath } from "../compile-context";
import { compileValueExpression } from "./compile-expression";
import type { CelContext, RuleScope } from "./rule-types";

/** What evaluating a value expression gave: its value, or why it has none. */
export type Evaluation = { value: unknown } | { error: string };

/**
 * A CEL expression whose value a policy uses (a header, a path, metadata for a service),
 * compiled once at load. Unlike a rule, its value is not read as true or false.
 */
export class ValueExpression {
  private constructor(private readonly program: ParseResult) {}

  /**
   * Compiles `expression`, written at `path`; a problem there fails the load. `scope` "log" is
   * for expressions that run once the answer is known, and also see `response`.
   */
  static compile(
    expression: string,
    path: ConfigPath,
    ctx: CompileContext,
    scope: RuleScope = "http",
  ): ValueExpression | undefined {
    const compiled = compileValueExpression(expression, scope);
    for (const { message } of compiled.warnings) ctx.warning(path, message);
    if ("error" in compiled) {
      ctx.problem(path, compiled.error.message);
      return undefined;
    }
    return new ValueExpression(compiled.program);
  }

  /** Never throws: an expression that fails (a missing claim, say) gives its error. */
  evaluate(context: CelContext): Evaluation {
    try {
      return { value: this.program(context) };
    } catch (error) {
      const { summary, message } = error as Error & { summary?: string };
      return { error: summary ?? message };
    }
  }

  /** The value as text, for a header, a path or a body: a string, or bytes read as UTF-8. */
  text(context: CelContext): { value: string } | { error: string } {
    const result = this.evaluate(context);
    if ("error" in result) return result;
    const { value } = result;
    if (typeof value === "string") return { value };
    if (value instanceof Uint8Array) return { value: Buffer.from(value).toString("utf8") };
    return { error: `expected a string, got ${describeType(value)}` };
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "bigint") return "an int";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}

/**
 * A CEL value as JSON, the way agentgateway writes one: ints as numbers, bytes as base64,
 * timestamps as RFC 3339, durations as seconds ("300s").
 */
export function celToJson(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(celToJson);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, member]) => [String(key), celToJson(member)]));
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== null && prototype !== Object.prototype) {
    // cel-js's uint and duration: a uint is its number, a duration its "300s" text.
    const primitive = (value as { valueOf(): unknown }).valueOf();
    return typeof primitive === "bigint" ? Number(primitive) : String(value);
  }
  return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, celToJson(member)]));
}
