import type { RuleSet } from "./cel";
import { definePolicy, type CompiledPolicy, type PolicyRequest, type StepResult } from "./policy";
import { compileRules, rulesSchema } from "./rules";

/** `authorization`: CEL rules over the HTTP request and the caller; a denial answers 403. */
class Authorization implements CompiledPolicy {
  readonly readsContext = true;
  readonly variesByCaller = true;

  constructor(readonly rules: RuleSet) {}

  handle(request: PolicyRequest): StepResult {
    const decision = this.rules.decide(request.context());
    if (decision.allowed) return undefined;
    const headers = { "Content-Type": "text/plain" };
    return { status: 403, headers, body: "authorization failed", reason: decision.reason };
  }
}

export const authorization = definePolicy({
  key: "authorization",
  schema: rulesSchema.describe("CEL rules for the HTTP request; a denial answers 403."),
  attachments: ["gateway", "listener", "route", "backend"],
  step: "authorize",
  compile(config, path, ctx) {
    const rules = compileRules(config, "http", path, ctx);
    return rules && new Authorization(rules);
  },
});
