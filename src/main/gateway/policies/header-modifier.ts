import { z } from "zod";
import { headerChangeProblem, headerValueProblem } from "./changeable-headers";
import type { CompileContext, ConfigPath } from "./compile-context";
import { HeaderEdits, type HeaderEdit } from "./header-edits";

/** agentgateway's HeaderModifier, shared by `requestHeaderModifier` and `responseHeaderModifier`. */
export const headerModifierSchema = z.strictObject({
  add: z
    .record(z.string(), z.string())
    .optional()
    .describe("Headers to append, beside any value they already have."),
  set: z
    .record(z.string(), z.string())
    .optional()
    .describe("Headers to set, replacing any value they have."),
  remove: z.array(z.string()).optional().describe("Header names to remove."),
});

export type HeaderModifierConfig = z.infer<typeof headerModifierSchema>;

/**
 * The edits a header modifier makes, checked once: a name or value a header cannot have, or a
 * header the MCP transport owns, fails the load at its key (agentgateway would fail each request).
 */
export function compileHeaderModifier(
  config: HeaderModifierConfig,
  path: ConfigPath,
  ctx: CompileContext,
): HeaderEdits | undefined {
  const edits: HeaderEdit[] = [];
  let valid = true;
  const check = (problem: string | undefined, at: ConfigPath) => {
    if (problem === undefined) return true;
    ctx.problem(at, problem);
    valid = false;
    return false;
  };
  for (const kind of ["add", "set"] as const) {
    for (const [name, value] of Object.entries(config[kind] ?? {})) {
      const at = [...path, kind, name];
      if (check(headerChangeProblem(name, kind), at) && check(headerValueProblem(value), at)) {
        edits.push({ kind, name: name.toLowerCase(), value });
      }
    }
  }
  (config.remove ?? []).forEach((name, i) => {
    if (check(headerChangeProblem(name, "remove"), [...path, "remove", i])) {
      edits.push({ kind: "remove", name: name.toLowerCase() });
    }
  });
  return valid ? new HeaderEdits(edits) : undefined;
}
