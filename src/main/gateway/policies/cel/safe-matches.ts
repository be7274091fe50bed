import {
  EvaluationError,
  TypeError as CelTypeError,
  type ASTNode,
  type Environment,
} from "@marcbachmann/cel-js";
import { LinearRegex } from "./regex/linear-regex";
import { PatternError } from "./regex/pattern-parser";

/** Patterns can come from claims (`s.matches(jwt.pattern)`): the cache must not grow for ever. */
const MAX_CACHED_PATTERNS = 256;
const compiledPatterns = new Map<string, LinearRegex | PatternError>();

/** The compiled pattern, or the PatternError that says why it cannot be used. */
function compilePattern(pattern: string): LinearRegex | PatternError {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = LinearRegex.compile(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      compiled = error;
    }
    if (compiledPatterns.size >= MAX_CACHED_PATTERNS) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/**
 * The parts of cel-js's macro hooks used here: check() and run() are documented ("Custom macros"
 * in its README); getType() is what its own macros use to name their result type.
 */
interface CheckedType {
  type: string;
  kind: string;
  name: string;
}
interface TypeChecker {
  check(node: ASTNode, scope: unknown): CheckedType;
  getType(name: string): CheckedType;
}
interface Evaluator {
  run(node: ASTNode, scope: unknown): unknown;
}

interface MatchesCall {
  receiver: ASTNode;
  pattern: ASTNode;
  /** A pattern written in the rule, compiled once when the rule is checked. */
  literal: LinearRegex | undefined;
  typeCheck(checker: TypeChecker, call: MatchesCall, scope: unknown): CheckedType;
  evaluate(evaluator: Evaluator, call: MatchesCall, scope: unknown): boolean;
}

function typeCheck(checker: TypeChecker, call: MatchesCall, scope: unknown): CheckedType {
  for (const node of [call.receiver, call.pattern]) {
    const type = checker.check(node, scope);
    if (type.type !== "string" && type.kind !== "dyn") {
      const message = `matches() works on strings, not ${type.name}`;
      throw new CelTypeError({ code: "no_matching_overload", message, node });
    }
  }
  const { pattern } = call;
  if (pattern.op === "value" && typeof pattern.args === "string") {
    const compiled = compilePattern(pattern.args);
    if (compiled instanceof PatternError) {
      throw new CelTypeError({ code: "invalid_pattern", message: compiled.message, node: pattern });
    }
    call.literal = compiled;
  }
  return checker.getType("bool");
}

function notAString(value: unknown, node: ASTNode): EvaluationError {
  const message = `matches() works on strings, not ${typeof value}`;
  return new EvaluationError({ code: "no_matching_overload", message, node });
}

function evaluate(evaluator: Evaluator, call: MatchesCall, scope: unknown): boolean {
  const input = evaluator.run(call.receiver, scope);
  if (typeof input !== "string") throw notAString(input, call.receiver);
  if (call.literal) return call.literal.test(input);
  const pattern = evaluator.run(call.pattern, scope);
  if (typeof pattern !== "string") throw notAString(pattern, call.pattern);
  const compiled = compilePattern(pattern);
  if (compiled instanceof PatternError) {
    throw new EvaluationError({
      code: "invalid_pattern",
      message: compiled.message,
      node: call.pattern,
    });
  }
  return compiled.test(input);
}

/**
 * Replaces cel-js's `matches`, which hands the pattern to JavaScript's backtracking RegExp (one
 * rule like `s.matches("(a+)+$")` could stop the gateway), with a linear-time matcher that reads
 * RE2 syntax, as CEL specifies. cel-js refuses a second `string.matches(string)` overload, but it
 * expands macros by name and argument count before it looks at the receiver's type, so a macro
 * declared on a private receiver type takes over every `x.matches(y)`. The tests pin this.
 */
export function withSafeMatches(environment: Environment): Environment {
  return (
    environment
      // A type with no values: it only gives the macro a receiver that no other overload uses.
      .registerType("GatehouseMatchesMacro", { fields: {} })
      .registerFunction(
        "GatehouseMatchesMacro.matches(ast): bool",
        ({ receiver, args }: { receiver: ASTNode; args: ASTNode[] }): MatchesCall => ({
          receiver,
          pattern: args[0] as ASTNode,
          literal: undefined,
          typeCheck,
          evaluate,
        }),
      )
  );
}
