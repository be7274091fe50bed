import type { ParseResult } from "@marcbachmann/cel-js";
import type { AccessLogValue } from "../log-event";
import { compileExpression, compileValueExpression } from "./cel/compile-expression";
import type { CompileContext, ConfigPath } from "./compile-context";
import type { LogContext } from "./log-context";
import { toLogValue } from "./log-value";

/** One field a policy computes per request: `accessLog.add`, `tracing.attributes`. */
export interface ComputedField {
  readonly name: string;
  readonly program: ParseResult;
}

/**
 * Compiles `name: <CEL>` fields once, at load, as log expressions (they see `response` and the
 * call's `mcp`). A field that does not compile is a problem at its key; undefined then.
 */
export function compileFields(
  fields: Readonly<Record<string, string>>,
  path: ConfigPath,
  ctx: CompileContext,
): ComputedField[] | undefined {
  const compiled: ComputedField[] = [];
  let failed = false;
  for (const [name, expression] of Object.entries(fields)) {
    const program = compiledOrReported(
      compileValueExpression(expression, "log"),
      [...path, name],
      ctx,
    );
    if (program) compiled.push({ name, program });
    else failed = true;
  }
  return failed ? undefined : compiled;
}

/** Compiles a log filter (true keeps the request) once, at load; undefined if it does not compile. */
export function compileFilter(
  expression: string,
  path: ConfigPath,
  ctx: CompileContext,
): ParseResult | undefined {
  return compiledOrReported(compileExpression(expression, "log"), path, ctx);
}

function compiledOrReported(
  compiled: ReturnType<typeof compileExpression>,
  path: ConfigPath,
  ctx: CompileContext,
): ParseResult | undefined {
  for (const { message } of compiled.warnings) ctx.warning(path, message);
  if ("error" in compiled) {
    ctx.problem(path, compiled.error.message);
    return undefined;
  }
  return compiled.program;
}

/**
 * The fields' values for one request. A field whose expression fails (a claim the token does
 * not have) or gives null is left out, as agentgateway leaves it out.
 */
export function computeFields(
  fields: readonly ComputedField[],
  context: LogContext,
): Record<string, AccessLogValue> | undefined {
  let values: Record<string, AccessLogValue> | undefined;
  for (const { name, program } of fields) {
    let value: AccessLogValue | undefined;
    try {
      value = toLogValue(program(context));
    } catch {
      continue;
    }
    // Without a prototype, a field named `__proto__` stays a field.
    if (value !== undefined)
      (values ??= Object.create(null) as Record<string, AccessLogValue>)[name] = value;
  }
  return values;
}

/** Whether a filter keeps the request: only when it is true; an error counts as false. */
export function keeps(filter: ParseResult, context: LogContext): boolean {
  try {
    return filter(context) === true;
  } catch {
    return false;
  }
}
