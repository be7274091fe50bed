import { z } from "zod";
import { RuleSet, type RuleScope, type RuleSpec } from "./cel";
import type { CompileContext, ConfigPath } from "./compile-context";

const ruleSchema = z
  .union(
    [
      z.string().describe("A CEL expression; when true, the request is allowed."),
      z.strictObject({ allow: z.string() }),
      z.strictObject({ deny: z.string() }),
      z.strictObject({ require: z.string() }),
    ],
    { error: "a rule is a CEL string, or one of {allow: <CEL>}, {deny: <CEL>}, {require: <CEL>}" },
  )
  .describe(
    "Any deny denies; every require must hold; any allow allows; else deny if allows exist.",
  );

export const rulesSchema = z.strictObject({ rules: z.array(ruleSchema) });

export type RuleConfig = z.infer<typeof ruleSchema>;

/** A string rule allows; the object forms say what they do. */
function ruleSpec(rule: RuleConfig): RuleSpec {
  if (typeof rule === "string") return { effect: "allow", expression: rule };
  if ("deny" in rule) return { effect: "deny", expression: rule.deny };
  if ("require" in rule) return { effect: "require", expression: rule.require };
  return { effect: "allow", expression: rule.allow };
}

/** Compiles `{rules: [...]}` once, at load; a rule that does not compile fails the load there. */
export function compileRules(
  config: { rules: RuleConfig[] },
  scope: RuleScope,
  path: ConfigPath,
  ctx: CompileContext,
): RuleSet | undefined {
  const { ruleSet, errors, warnings } = RuleSet.compile(config.rules.map(ruleSpec), scope);
  for (const { index, message } of errors) ctx.problem([...path, "rules", index], message);
  for (const { index, message } of warnings) ctx.warning([...path, "rules", index], message);
  return ruleSet;
}
