import type { ItemKind } from "../relay/namespace";
import type { Decision, RuleSet } from "./cel";
import type { Access } from "./caller";

/**
 * `mcpAuthorization`: which tools, prompts and resources a caller may see and use. Rules see
 * the item's own name (not the prefixed one) and its target, as in agentgateway.
 */
export class McpAuthorization {
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
