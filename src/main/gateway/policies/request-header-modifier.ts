import { fetchWithEdits } from "./header-edits";
import { compileHeaderModifier, headerModifierSchema } from "./header-modifier";
import { definePolicy, type CompiledPolicy } from "./policy";

/**
 * `requestHeaderModifier`. On a route it changes the client's request, as the steps after it and
 * the relay read it, and the requests sent to HTTP targets on its behalf (agentgateway forwards
 * the modified request's headers to MCP targets). On a backend or a target it changes only what
 * is sent to those targets. Headers the MCP transport owns are refused when the config loads.
 */
export const requestHeaderModifier = definePolicy({
  key: "requestHeaderModifier",
  schema: headerModifierSchema.describe(
    "Set, add or remove request headers: on a route, as later policies and the targets see them; on a backend or target, as those targets get them.",
  ),
  attachments: ["route", "backend", "target"],
  step: "modify",
  compile(config, path, ctx): CompiledPolicy | undefined {
    const edits = compileHeaderModifier(config, path, ctx);
    if (!edits) return undefined;
    if (ctx.attachment !== "route") {
      const always = [edits];
      return { wrapFetch: (next) => fetchWithEdits(next, () => always) };
    }
    return {
      handle(request) {
        request.editHeaders(edits);
        request.sendToTargets(edits);
        return undefined;
      },
    };
  },
});
