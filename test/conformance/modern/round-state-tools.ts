import { acceptedContent, inputRequired, type ToolCallback } from "@modelcontextprotocol/server";
import { textResult } from "../server/conformance-tool";
import {
  askColor,
  askConfirmation,
  askLlm,
  askName,
  askRoots,
  COLOR_FORM,
  CONFIRMATION_FORM,
  NAME_FORM,
  rootUris,
  sampledText,
  unanswered,
} from "./input-requests";
import type { ModernTool } from "./modern-tool";
import { roundStateFor, type RoundStateCodec } from "./request-state";

/**
 * Tools that hand the client `requestState` with their questions and act on it when the
 * client retries (SEP-2322). Without the state they minted, a retry starts over.
 */
export function roundStateTools(states: RoundStateCodec): ModernTool[] {
  /** Asks for a confirmation, and answers "state-ok" once the state it minted comes back. */
  const confirmWithState =
    (tool: string): ToolCallback =>
    async (ctx) => {
      const confirmation = acceptedContent(ctx.mcpReq.inputResponses, "confirm", CONFIRMATION_FORM);
      if (confirmation === undefined || roundStateFor(ctx, tool) === undefined) {
        return inputRequired({
          inputRequests: { confirm: askConfirmation() },
          requestState: await states.mint({ tool }),
        });
      }
      return textResult(`state-ok: confirmed=${confirmation.ok}`);
    };

  return [
    {
      name: "test_input_required_result_request_state",
      description: "Asks for a confirmation with requestState, and checks the state on retry",
      call: confirmWithState("test_input_required_result_request_state"),
    },
    {
      name: "test_input_required_result_tampered_state",
      description: "Asks with signed requestState: a retry with altered state is refused",
      call: confirmWithState("test_input_required_result_tampered_state"),
    },
    {
      name: "test_input_required_result_multiple_inputs",
      description: "Asks the user, the client's LLM and its roots at once",
      call: async (ctx) => {
        const tool = "test_input_required_result_multiple_inputs";
        const responses = ctx.mcpReq.inputResponses;
        const questions = {
          user_name: askName(),
          greeting: askLlm("Generate a greeting", 50),
          client_roots: askRoots(),
        };
        const open = roundStateFor(ctx, tool) ? unanswered(questions, responses) : questions;
        if (Object.keys(open).length > 0) {
          return inputRequired({ inputRequests: open, requestState: await states.mint({ tool }) });
        }
        const name = acceptedContent(responses, "user_name", NAME_FORM)?.name;
        const greeting = sampledText(responses, "greeting");
        const roots = rootUris(responses, "client_roots")?.join(", ");
        return textResult(`name: ${name}; greeting: ${greeting}; roots: ${roots}`);
      },
    },
    {
      name: "test_input_required_result_multi_round",
      description: "Asks a name, then a color, carrying the name over in requestState",
      call: async (ctx) => {
        const tool = "test_input_required_result_multi_round";
        const state = roundStateFor(ctx, tool);
        const responses = ctx.mcpReq.inputResponses;
        // Round 1 asks the name; round 2 keeps it in the state and asks the color; round 3 ends.
        const name = state?.name ?? (state && acceptedContent(responses, "step1", NAME_FORM)?.name);
        if (name === undefined) {
          return inputRequired({
            inputRequests: { step1: askName("Step 1: What is your name?") },
            requestState: await states.mint({ tool }),
          });
        }
        const color = state?.name && acceptedContent(responses, "step2", COLOR_FORM)?.color;
        if (!color) {
          return inputRequired({
            inputRequests: { step2: askColor() },
            requestState: await states.mint({ tool, name }),
          });
        }
        return textResult(`${name}'s favorite color is ${color}`);
      },
    },
  ];
}
