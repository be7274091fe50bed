import type { AnswerHead } from "./answer-head";
import { compileHeaderModifier, headerModifierSchema } from "./header-modifier";
import { definePolicy, type CompiledPolicy } from "./policy";

/**
 * `responseHeaderModifier`: changes the headers of every answer the client gets once the
 * request has passed this step, the relay's included. On a backend too: agentgateway applies a
 * backend's to the answers of its HTTP backend, and an MCP target's answers never reach the
 * client as they are, so the client's answers are what it can change.
 */
export const responseHeaderModifier = definePolicy({
  key: "responseHeaderModifier",
  schema: headerModifierSchema.describe("Set, add or remove headers of the answers to the client."),
  attachments: ["route", "backend"],
  step: "modify",
  compile(config, path, ctx): CompiledPolicy | undefined {
    const edits = compileHeaderModifier(config, path, ctx);
    if (!edits) return undefined;
    const edit = (head: AnswerHead) => edits.applyToAnswer(head);
    return {
      handle(request) {
        request.editAnswers(edit);
        return undefined;
      },
    };
  },
});
