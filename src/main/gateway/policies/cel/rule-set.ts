import type { ParseResult } from "@marcbachmann/cel-js";
import { compileExpression } from "./compile-expression";
import { readsToolArguments } from "./context-references";
import type { CelContext, Decision, RuleProblem, RuleScope, RuleSpec } from "./rule-types";

interface CompiledRule {
  readonly index: number;
  readonly program: ParseResult;
  /** What this rule decides when it decides; built once, so decide() need not allocate. */
  readonly decision: Decision;
  /** Whether it may read `mcp.tool.arguments`, which a list does not know. */
  readonly readsArguments: boolean;
  /** What a list shows when this rule could not be decided there: the tool, for the call to decide. */
  readonly undecided: Decision;
}

/**
 * What `mcp.tool.arguments` holds while a list is filtered: a value cel-js refuses to touch, so
 * that every use of it fails (even `has()`), and a rule decides only where its value does not
 * depend on the arguments (`mcp.tool.name == "a" && ...` for another tool).
 */
class ArgumentsNotKnown {
  readonly why = "a list does not know a call's arguments";
}
export const ARGUMENTS_NOT_KNOWN: unknown = Object.freeze(new ArgumentsNotKnown());

/** A deny rule fails on what it cannot read, and a failed rule never decides. */
const DENY_ON_ARGUMENTS =
  "this deny rule reads mcp.tool.arguments: a call whose arguments make it fail (a missing key, " +
  "a value of another type) is not denied; a require rule saying what is allowed refuses those";

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

function undecidedFor(index: number): Decision {
  const reason = `listed: rule ${index + 1} needs the call's arguments, so each call decides`;
  return Object.freeze({ allowed: true, reason, ruleIndex: index, callDecides: true });
}

/** A rule's value, or the error it threw, which counts as false: a rule that fails never allows. */
function evaluate(rule: CompiledRule, context: CelContext): boolean | Error {
  try {
    return rule.program(context) === true;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Whether a rule failed where a list cannot tell: it may read the arguments, which lists lack. */
function failedOnArguments(rule: CompiledRule, value: boolean | Error): boolean {
  return rule.readsArguments && value instanceof Error;
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
  /** Whether any rule may read `mcp.tool.arguments`: only then does a call convert them. */
  readonly readsArguments: boolean;

  private constructor(
    private readonly denies: CompiledRule[],
    private readonly requires: CompiledRule[],
    private readonly allows: CompiledRule[],
  ) {
    this.size = denies.length + requires.length + allows.length;
    this.readsArguments = [...denies, ...requires, ...allows].some((rule) => rule.readsArguments);
  }

  /**
   * Compiles once (at config load): syntax and type errors are `errors`; references to things
   * that never exist at decision time (e.g. `mcp.tool.result`, `request.body`, or any `mcp.*`
   * in scope "http") and deny rules on a call's arguments are `warnings`. There is no rule set
   * when there are errors.
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
      const readsArguments = scope === "mcp" && readsToolArguments(compiled.program.ast);
      if (readsArguments && spec.effect === "deny") {
        warnings.push({ index, message: DENY_ON_ARGUMENTS, offset: 0 });
      }
      byEffect[spec.effect].push({
        index,
        program: compiled.program,
        decision,
        readsArguments,
        undecided: undecidedFor(index),
      });
    });
    const ruleSet = errors.length
      ? undefined
      : new RuleSet(byEffect.deny, byEffect.require, byEffect.allow);
    return { ruleSet, errors, warnings };
  }

  /** Whether the request (or the MCP item in `context.mcp`) may pass, and why. Never throws. */
  decide(context: CelContext): Decision {
    return this.judge(context, false);
  }

  /**
   * Whether a list shows the item in `context.mcp`, whose `mcp.tool.arguments` is
   * ARGUMENTS_NOT_KNOWN. A rule that reads the arguments and fails for it is undecided: it
   * hides nothing, and it allows nothing either, since each call is decided again with its
   * arguments. The item is hidden only when a rule that could be decided hides it (a deny rule
   * true, a require rule false) or when no allow rule is true or undecided. Never throws.
   */
  decideListing(context: CelContext): Decision {
    return this.judge(context, true);
  }

  private judge(context: CelContext, listing: boolean): Decision {
    if (this.size === 0) return NO_RULES;
    // A failing rule is common (a claim is missing when there is no token) and its error is read
    // for its summary only: capturing a stack for it costs most of the evaluation.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.evaluateRules(context, listing);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /**
   * Denies first, then requires, then allows, each stopping at the first rule that decides. When
   * listing, the first rule left undecided for lack of the arguments stands for the outcome
   * wherever the item would otherwise be shown or hidden for want of an allow rule.
   */
  private evaluateRules(context: CelContext, listing: boolean): Decision {
    let undecided: CompiledRule | undefined;
    for (let i = 0; i < this.denies.length; i++) {
      const rule = this.denies[i] as CompiledRule;
      const denied = evaluate(rule, context);
      if (denied === true) return rule.decision;
      if (listing && failedOnArguments(rule, denied)) undecided ??= rule;
    }
    for (let i = 0; i < this.requires.length; i++) {
      const rule = this.requires[i] as CompiledRule;
      const met = evaluate(rule, context);
      if (met === true) continue;
      if (met === false) return rule.decision;
      if (listing && failedOnArguments(rule, met)) {
        undecided ??= rule;
        continue;
      }
      return { ...rule.decision, reason: `${rule.decision.reason} (${summary(met)})` };
    }
    if (this.allows.length === 0) return undecided?.undecided ?? NOTHING_DENIED;
    // The first error among the allow rules, for the log: often "No such key: sub" (no token).
    let failure: Error | undefined;
    let failedIndex = 0;
    for (let i = 0; i < this.allows.length; i++) {
      const rule = this.allows[i] as CompiledRule;
      const allowed = evaluate(rule, context);
      if (allowed === true) return undecided?.undecided ?? rule.decision;
      if (listing && failedOnArguments(rule, allowed)) {
        undecided ??= rule;
      } else if (allowed !== false && !failure) {
        failure = allowed;
        failedIndex = rule.index;
      }
    }
    if (undecided) return undecided.undecided;
    if (!failure) return NO_ALLOW_MATCHED;
    const reason = `${NO_ALLOW_MATCHED.reason} (rule ${failedIndex + 1} failed: ${summary(failure)})`;
    return { allowed: false, reason };
  }
}
