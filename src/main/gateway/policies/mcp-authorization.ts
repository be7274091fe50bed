import type { ItemKind } from "../relay/namespace";
import type { Decision, RuleSet } from "./cel";
import type { Access } from "./caller";
import { definePolicy, type CompiledPolicy } from "./policy";
import { compileRules, rulesSchema } from "./rules";

/**
 * `mcpAuthorization`: which tools, prompts and resources a caller may see and use. Rules see
 * the item's own name (not the prefixed one) and its target, as in agentgateway. The relay
 * asks it for every item; it has no step in the request pipeline.
 */
export class McpAuthorization implements CompiledPolicy {
  readonly readsContext = true;
  readonly variesByCaller = true;

  constructor(private readonly rules: RuleSet) {}

  decide(access: Access, kind: ItemKind, target: string, name: string): Decision {
    // The request's context is shared by every item it asks about; only `mcp` changes.
    const context = access.context as NonNullable<Access["context"]>;
    context.mcp =
      kind === "tool"
        ? { tool: { name, target } }
        : kind === "prompt"
          ? { prompt: { name, target } }
          : { resource: { uri: name, target } };
    return this.rules.decide(context);
  }
}

export const mcpAuthorization = definePolicy({
  key: "mcpAuthorization",
  schema: rulesSchema.describe(
    "CEL rules per tool, prompt and resource; hidden items vanish from lists.",
  ),
  attachments: ["route", "backend"],
  compile(config, path, ctx) {
    const rules = compileRules(config, "mcp", path, ctx);
    return rules && new McpAuthorization(rules);
  },
});
