import type { ParseResult } from "@marcbachmann/cel-js";
import { findContextWarnings } from "./context-references";
import { describeCelError, type ExpressionProblem } from "./describe-error";
import { logEnvironment, ruleEnvironment } from "./environment";
import type { RuleScope } from "./rule-types";

export type CompiledExpression =
  | { program: ParseResult; warnings: ExpressionProblem[] }
  | { error: ExpressionProblem; warnings: ExpressionProblem[] };

/**
 * Parses and type-checks one rule. A checked program keeps its types, so evaluating it later
 * neither parses nor checks again.
 */
export function compileExpression(expression: string, scope: RuleScope): CompiledExpression {
  return compile(expression, scope, true);
}

/**
 * Parses and type-checks an expression whose value a policy uses as it is: a header value, a
 * path, metadata for a service. Any type will do; the policy checks the value it gets.
 */
export function compileValueExpression(expression: string, scope: RuleScope): CompiledExpression {
  return compile(expression, scope, false);
}

function compile(expression: string, scope: RuleScope, isRule: boolean): CompiledExpression {
  let program: ParseResult;
  try {
    const seesResponse = scope === "log" || scope === "authzResponse";
    program = (seesResponse ? logEnvironment : ruleEnvironment).parse(expression);
  } catch (error) {
    return { error: describeCelError(error), warnings: [] };
  }
  const warnings = findContextWarnings(program.ast, scope);
  const checked = program.check();
  if (!checked.valid) return { error: describeCelError(checked.error), warnings };
  // dyn is fine (`jwt.admin`): at run time, any value but true counts as false.
  if (isRule && checked.type !== "bool" && checked.type !== "dyn") {
    const message = `a rule must be true or false, but this one gives a value of type ${checked.type}`;
    return { error: { message, offset: 0 }, warnings };
  }
  return { program, warnings };
}
