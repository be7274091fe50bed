import {
  acceptedContent,
  inputRequired,
  type InputRequests,
  type ToolCallback,
} from "@modelcontextprotocol/server";
import { textResult } from "../server/conformance-tool";
import { declaredCapabilities } from "./client-capabilities";
import {
  askLlm,
  askName,
  askRoots,
  NAME_FORM,
  rootUris,
  sampledText,
  unanswered,
} from "./input-requests";
import type { ModernTool } from "./modern-tool";

/**
 * Tools that ask the client one round of questions (SEP-2322) and answer once it has replied.
 * A retry that lacks an answer, or carries one that does not fit, is asked again rather than
 * refused. Asking for something the client did not declare it can do is refused by the SDK
 * with -32021 before the result leaves the server.
 */

const greetByName: ToolCallback = (ctx) => {
  const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name", NAME_FORM);
  if (answer === undefined) return inputRequired({ inputRequests: { user_name: askName() } });
  return textResult(`Hello, ${answer.name}!`);
};

const askCapitalOfFrance = () => askLlm("What is the capital of France?", 100);

const quoteTheLlm: ToolCallback = (ctx) => {
  const answer = sampledText(ctx.mcpReq.inputResponses, "capital_question");
  if (answer === undefined) {
    return inputRequired({ inputRequests: { capital_question: askCapitalOfFrance() } });
  }
  return textResult(`LLM response: ${answer}`);
};

export const INPUT_REQUIRED_TOOLS: readonly ModernTool[] = [
  {
    name: "test_input_required_result_elicitation",
    description: "Asks the user's name, then greets them",
    call: greetByName,
  },
  {
    name: "test_input_required_result_sampling",
    description: "Asks the client's LLM for the capital of France and quotes its answer",
    call: quoteTheLlm,
  },
  {
    name: "test_input_required_result_list_roots",
    description: "Asks the client for its roots and lists them",
    call: (ctx) => {
      const uris = rootUris(ctx.mcpReq.inputResponses, "client_roots");
      if (uris === undefined) return inputRequired({ inputRequests: { client_roots: askRoots() } });
      return textResult(`Client roots: ${uris.join(", ")}`);
    },
  },
  {
    name: "test_input_required_result_capabilities",
    description: "Asks whatever the client declared it can answer: the user, its LLM, its roots",
    call: (ctx) => {
      const declared = declaredCapabilities(ctx);
      const questions: InputRequests = {};
      if (declared.elicitation) questions.user_name = askName();
      if (declared.sampling) questions.capital_question = askCapitalOfFrance();
      if (declared.roots) questions.client_roots = askRoots();
      const open = unanswered(questions, ctx.mcpReq.inputResponses);
      if (Object.keys(open).length > 0) return inputRequired({ inputRequests: open });
      return textResult(`Answered: ${Object.keys(questions).join(", ") || "nothing to ask"}`);
    },
  },
  {
    name: "test_missing_capability",
    description: "Needs the client's LLM, so a client that did not declare sampling is refused",
    call: quoteTheLlm,
  },
  {
    name: "test_streaming_elicitation",
    description: "Asks the user's name as 2026-07-28 asks: in its result, never by a request",
    call: greetByName,
  },
];
