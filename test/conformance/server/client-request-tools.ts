import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  type CallToolResult,
  type ElicitRequestFormParams,
} from "@modelcontextprotocol/sdk/types.js";
import {
  NO_ARGUMENTS,
  stringArgument,
  textResult,
  toolError,
  type ConformanceTool,
  type ToolCall,
} from "./conformance-tool";

type RequestedSchema = ElicitRequestFormParams["requestedSchema"];

/** Tools that ask the client something (sampling, elicitation) before they answer. */
export const CLIENT_REQUEST_TOOLS: ConformanceTool[] = [
  {
    definition: {
      name: "test_sampling",
      description: "Asks the client's LLM to answer a prompt",
      inputSchema: {
        type: "object",
        properties: { prompt: { type: "string", description: "The prompt to send to the LLM" } },
        required: ["prompt"],
      },
    },
    call: async (call) => {
      const prompt = stringArgument(call, "prompt");
      if (!call.clientCapabilities?.sampling) {
        return toolError("The client did not declare the sampling capability");
      }
      const answer = await call.extra.sendRequest(
        {
          method: "sampling/createMessage",
          params: {
            messages: [{ role: "user", content: { type: "text", text: prompt } }],
            maxTokens: 100,
          },
        },
        CreateMessageResultSchema,
      );
      const { content } = answer;
      const text = content.type === "text" ? content.text : JSON.stringify(content);
      return textResult(`LLM response: ${text}`);
    },
  },
  {
    definition: {
      name: "test_elicitation",
      description: "Asks the user for a username and an email address",
      inputSchema: {
        type: "object",
        properties: {
          message: { type: "string", description: "The message to show the user" },
        },
        required: ["message"],
      },
    },
    call: (call) =>
      elicit(call, "User response:", stringArgument(call, "message"), {
        type: "object",
        properties: {
          username: { type: "string", description: "User's response" },
          email: { type: "string", description: "User's email address" },
        },
        required: ["username", "email"],
      }),
  },
  {
    definition: {
      name: "test_elicitation_sep1034_defaults",
      description: "Elicits one field of each primitive type, each with a default (SEP-1034)",
      inputSchema: NO_ARGUMENTS,
    },
    call: (call) =>
      elicit(call, "Elicitation completed:", "Please review and update the form fields", {
        type: "object",
        properties: {
          name: { type: "string", title: "Name", default: "John Doe" },
          age: { type: "integer", title: "Age", default: 30 },
          score: { type: "number", title: "Score", default: 95.5 },
          status: {
            type: "string",
            title: "Status",
            enum: ["active", "inactive", "pending"],
            default: "active",
          },
          verified: { type: "boolean", title: "Verified", default: true },
        },
      }),
  },
  {
    definition: {
      name: "test_elicitation_sep1330_enums",
      description: "Elicits one field of each enum form (SEP-1330)",
      inputSchema: NO_ARGUMENTS,
    },
    call: (call) =>
      elicit(call, "Elicitation completed:", "Please choose from the options", {
        type: "object",
        properties: {
          untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
          titledSingle: {
            type: "string",
            oneOf: [
              { const: "value1", title: "First Option" },
              { const: "value2", title: "Second Option" },
              { const: "value3", title: "Third Option" },
            ],
          },
          legacyEnum: {
            type: "string",
            enum: ["opt1", "opt2", "opt3"],
            enumNames: ["Option One", "Option Two", "Option Three"],
          },
          untitledMulti: {
            type: "array",
            items: { type: "string", enum: ["option1", "option2", "option3"] },
          },
          titledMulti: {
            type: "array",
            items: {
              anyOf: [
                { const: "value1", title: "First Choice" },
                { const: "value2", title: "Second Choice" },
                { const: "value3", title: "Third Choice" },
              ],
            },
          },
        },
      }),
  },
];

/** Asks the user through the client and reports their answer after `resultLabel`. */
async function elicit(
  call: ToolCall,
  resultLabel: string,
  message: string,
  requestedSchema: RequestedSchema,
): Promise<CallToolResult> {
  if (!call.clientCapabilities?.elicitation) {
    return toolError("The client did not declare the elicitation capability");
  }
  const answer = await call.extra.sendRequest(
    { method: "elicitation/create", params: { message, requestedSchema } },
    ElicitResultSchema,
  );
  const content = JSON.stringify(answer.content ?? {});
  return textResult(`${resultLabel} action=${answer.action}, content=${content}`);
}
