import type { ItemKind } from "../relay/namespace";
import { ARGUMENTS_NOT_KNOWN, toCelValue, type Decision, type RuleSet } from "./cel";
import type { Access } from "./caller";
import type { ConfigPath } from "./compile-context";
import { definePolicy, type CompiledPolicy } from "./policy";
import { compileRules, rulesSchema } from "./rules";

/**
 * How deep a call's arguments may nest for rules to read them. The body limit bounds their size,
 * not their depth: a few megabytes of `[[[[...` would overflow the stack of the conversion and of
 * cel-js, which both recurse. Real tool arguments stay far from this.
 */
export const ARGUMENTS_MAX_DEPTH = 64;

const TOO_DEEP: Decision = Object.freeze({
  allowed: false,
  reason: `the call's arguments nest deeper than ${ARGUMENTS_MAX_DEPTH} levels, more than rules read`,
});

/**
 * `mcpAuthorization`: which tools, prompts and resources a caller may see and use. Rules see
 * the item's own name (not the prefixed one) and its target, as in agentgateway, and at a
 * `tools/call` the call's arguments too (`mcp.tool.arguments`), which agentgateway's rules do
 * not see. The relay asks it for every item; it has no step in the request pipeline.
 */
export class McpAuthorization implements CompiledPolicy {
  readonly readsContext = true;
  readonly variesByCaller = true;

  constructor(
    private readonly rules: RuleSet,
    /** Where the policy is written, so that a denial can point at the rule that decided it. */
    private readonly path: ConfigPath,
  ) {}

  /**
   * The key path of the rule that decided, or of the policy itself when none did (no allow rule
   * matched): then the whole list decided, and the policy's value begins at its `rules`.
   */
  rulePath(decision: Decision): ConfigPath {
    return decision.ruleIndex === undefined
      ? this.path
      : [...this.path, "rules", decision.ruleIndex];
  }

  /**
   * Whether the caller may see an item in a list, or get a prompt or read a resource. A tool's
   * arguments are not known here: a rule that needs them leaves the tool listed (see
   * RuleSet.decideListing), and `decideCall` decides each call.
   */
  decide(access: Access, kind: ItemKind, target: string, name: string): Decision {
    // The request's context is shared by every item it asks about; only `mcp` changes.
    const context = access.context as NonNullable<Access["context"]>;
    if (kind === "tool") {
      context.mcp = { tool: { name, target, arguments: ARGUMENTS_NOT_KNOWN } };
      return this.rules.decideListing(context);
    }
    context.mcp =
      kind === "prompt" ? { prompt: { name, target } } : { resource: { uri: name, target } };
    return this.rules.decide(context);
  }

  /** Whether the caller may call a tool with these arguments (a call without any has `{}`). */
  decideCall(access: Access, target: string, name: string, args: unknown): Decision {
    const context = access.context as NonNullable<Access["context"]>;
    if (!this.rules.readsArguments) {
      context.mcp = { tool: { name, target } };
      return this.rules.decide(context);
    }
    let value: unknown;
    try {
      value = toCelValue(args ?? {}, ARGUMENTS_MAX_DEPTH);
    } catch {
      return TOO_DEEP;
    }
    context.mcp = { tool: { name, target, arguments: value } };
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
    return rules && new McpAuthorization(rules, path);
  },
});
