import { inputRequired, inputResponse, type InputRequests } from "@modelcontextprotocol/server";
import { z } from "zod";

/**
 * The questions the multi-round-trip tools put to the client (SEP-2322), and how to read its
 * answers. The keys and texts are the ones the suite's scenarios name.
 *
 * An elicitation's form is a zod schema, so that one schema both goes out as the requested
 * form and checks the content that comes back: an answer that does not fit reads as no
 * answer, and the tool asks again.
 */

/** A retried request's `inputResponses`, as the handler context holds them: unchecked. */
type Answers = Record<string, unknown> | undefined;

export const NAME_FORM = z.object({ name: z.string() });
export const CONFIRMATION_FORM = z.object({ ok: z.boolean() });
export const COLOR_FORM = z.object({ color: z.string() });
export const CONTEXT_FORM = z.object({ context: z.string() });

export const askName = (message = "What is your name?") =>
  inputRequired.elicit({ message, requestedSchema: NAME_FORM });

export const askConfirmation = () =>
  inputRequired.elicit({ message: "Please confirm", requestedSchema: CONFIRMATION_FORM });

export const askColor = () =>
  inputRequired.elicit({
    message: "Step 2: What is your favorite color?",
    requestedSchema: COLOR_FORM,
  });

export const askContext = () =>
  inputRequired.elicit({
    message: "What context should the prompt use?",
    requestedSchema: CONTEXT_FORM,
  });

/** A question for the client's LLM (sampling). */
export const askLlm = (text: string, maxTokens: number) =>
  inputRequired.createMessage({
    messages: [{ role: "user", content: { type: "text", text } }],
    maxTokens,
  });

export const askRoots = () => inputRequired.listRoots();

/** The text of the LLM's answer under `key`, or `undefined` when there is none. */
export function sampledText(responses: Answers, key: string): string | undefined {
  const answer = inputResponse(responses, key);
  if (answer.kind !== "sampling") return undefined;
  const blocks = [answer.result.content].flat();
  return blocks.map((block) => (block.type === "text" ? block.text : `[${block.type}]`)).join("");
}

/** The URIs of the client's roots under `key`, or `undefined` when there are none. */
export function rootUris(responses: Answers, key: string): string[] | undefined {
  const answer = inputResponse(responses, key);
  return answer.kind === "roots" ? answer.roots.map((root) => root.uri) : undefined;
}

/** The questions of `questions` that `responses` holds no answer to. */
export function unanswered(questions: InputRequests, responses: Answers): InputRequests {
  return Object.fromEntries(
    Object.entries(questions).filter(([key]) => inputResponse(responses, key).kind === "missing"),
  );
}
