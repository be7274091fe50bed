import {
  acceptedContent,
  fromJsonSchema,
  inputRequired,
  type McpServer,
  type PromptArgument,
} from "@modelcontextprotocol/server";
import { PROMPTS } from "../server/prompts";
import { askContext, CONTEXT_FORM } from "./input-requests";

/** The prompts shared with the 2025 server, and one that asks the user before it renders. */
export function registerPrompts(server: McpServer): void {
  for (const { listing, render } of PROMPTS) {
    server.registerPrompt(
      listing.name,
      { description: listing.description, argsSchema: argumentsSchema(listing.arguments ?? []) },
      (args) => render(args),
    );
  }
  server.registerPrompt(
    "test_input_required_result_prompt",
    { description: "Asks the user what context to use, then renders with it" },
    (ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_context", CONTEXT_FORM);
      if (answer === undefined) {
        return inputRequired({ inputRequests: { user_context: askContext() } });
      }
      const text = `Answer in this context: ${answer.context}`;
      return { messages: [{ role: "user", content: { type: "text", text } }] };
    },
  );
}

/**
 * `McpServer` lists a prompt's arguments from a schema of them, and checks a call's arguments
 * against it: prompt arguments are strings, required where the listing says so.
 */
function argumentsSchema(args: readonly PromptArgument[]) {
  return fromJsonSchema<Record<string, string>>({
    type: "object",
    properties: Object.fromEntries(
      args.map(({ name, description }) => [name, { type: "string", description }]),
    ),
    required: args.filter((arg) => arg.required).map((arg) => arg.name),
  });
}
