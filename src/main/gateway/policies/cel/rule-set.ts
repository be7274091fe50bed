import type { ParseResult } from "@marcbachmann/cel-js";
import { compileExpression } from "./compile-expression";
import type { CelContext, Decision, RuleProblem, RuleScope, RuleSpec } from "./rule-types";

interface CompiledRule {
  readonly index: number;
  readonly program: ParseResult;
  /** What this rule decides when it decides; built once, so decide() need not allocate. */
  readonly decision: Decision;
}

const NO_RULES: Decision = Object.freeze({ allowed: true, reason: "no rules" });
const NO_ALLOW_MATCHED: Decision = Object.freeze({
  allowed: false,
  reason: "no allow rule matched",
});
const NOTHING_DENIED: Decision = Object.freeze({ allowed: true, reason: "no rule denied" });

/** A multi-line YAML rule reads better on one log line. */
function oneLine(expression: string): string {
  return expression.replace(/\s+/g, " ").trim();
}

function decisionFor({ effect, expression }: RuleSpec, index: number): Decision {
  const rule = `rule ${index + 1}`;
  const text = oneLine(expression);
  const reason =
    effect === "allow"
      ? `allowed by ${rule}: ${text}`
      : effect === "deny"
        ? `denied by ${rule}: ${text}`
        : `require ${rule} not met: ${text}`;
  return Object.freeze({ allowed: effect === "allow", reason, ruleIndex: index });
}

/** A rule's value, or the error it threw, which counts as false: a rule that fails never allows. */
function evaluate(rule: CompiledRule, context: CelContext): boolean | Error {
  try {
    return rule.program(context) === true;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** cel-js errors carry a summary without the source excerpt that their message adds. */
function summary(error: Error): string {
  return (error as Error & { summary?: string }).summary ?? error.message;
}

/**
 * The rules of one `authorization` or `mcpAuthorization` policy. Any deny rule true → deny; any
 * require rule false → deny; any allow rule true → allow; otherwise deny if there are allow
 * rules, else allow. No rules allow.
 */
export class RuleSet {
  readonly size: number;

  private constructor(
    private readonly denies: CompiledRule[],
    private readonly requires: CompiledRule[],
    private readonly allows: CompiledRule[],
  ) {
    this.size = denies.length + requires.length + allows.length;
  }

  /**
   * Compiles once (at config load): syntax and type errors are `errors`; references to things
   * that never exist at decision time (e.g. `mcp.tool.arguments`, `request.body`, or any `mcp.*`
   * in scope "http") are `warnings`. There is no rule set when there are errors.
   */
  static compile(
    rules: RuleSpec[],
    scope: RuleScope,
  ): { ruleSet: RuleSet | undefined; errors: RuleProblem[]; warnings: RuleProblem[] } {
    const errors: RuleProblem[] = [];
    const warnings: RuleProblem[] = [];
    const byEffect: Record<RuleSpec["effect"], CompiledRule[]> = {
      deny: [],
      require: [],
      allow: [],
    };
    rules.forEach((spec, index) => {
      const compiled = compileExpression(spec.expression, scope);
      for (const warning of compiled.warnings) warnings.push({ index, ...warning });
      if ("error" in compiled) {
        errors.push({ index, ...compiled.error });
        return;
      }
      const decision = decisionFor(spec, index);
      byEffect[spec.effect].push({ index, program: compiled.program, decision });
    });
    const ruleSet = errors.length
      ? undefined
      : new RuleSet(byEffect.deny, byEffect.require, byEffect.allow);
    return { ruleSet, errors, warnings };
  }

  /** Whether the request (or the MCP item in `context.mcp`) may pass, and why. Never throws. */
  decide(context: CelContext): Decision {
    if (this.size === 0) return NO_RULES;
    // A failing rule is common (a claim is missing when there is no token) and its error is read
    // for its summary only: capturing a stack for it costs most of the evaluation.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.evaluateRules(context);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /** Denies first, then requires, then allows, each stopping at the first rule that decides. */
  private evaluateRules(context: CelContext): Decision {
    for (let i = 0; i < this.denies.length; i++) {
      const rule = this.denies[i] as CompiledRule;
      if (evaluate(rule, context) === true) return rule.decision;
    }
    for (let i = 0; i < this.requires.length; i++) {
      const rule = this.requires[i] as CompiledRule;
      const met = evaluate(rule, context);
      if (met === true) continue;
      if (met === false) return rule.decision;
      return { ...rule.decision, reason: `${rule.decision.reason} (${summary(met)})` };
    }
    if (this.allows.length === 0) return NOTHING_DENIED;
    // The first error among the allow rules, for the log: often "No such key: sub" (no token).
    let failure: Error | undefined;
    let failedIndex = 0;
    for (let i = 0; i < this.allows.length; i++) {
      const rule = this.allows[i] as CompiledRule;
      const allowed = evaluate(rule, context);
      if (allowed === true) return rule.decision;
      if (allowed !== false && !failure) {
        failure = allowed;
        failedIndex = rule.index;
      }
    }
    if (!failure) return NO_ALLOW_MATCHED;
    const reason = `${NO_ALLOW_MATCHED.reason} (rule ${failedIndex + 1} failed: ${summary(failure)})`;
    return { allowed: false, reason };
  }
}
