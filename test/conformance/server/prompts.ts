import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
  type GetPromptResult,
  type Prompt,
} from "@modelcontextprotocol/sdk/types.js";
import { RED_PIXEL_PNG } from "./media-samples";

/** A prompt as `prompts/list` shows it, and what `prompts/get` makes of its arguments. */
export interface ConformancePrompt {
  listing: Prompt;
  render(args: Record<string, string>): GetPromptResult;
}

/** The prompts the scenarios get: the same in both eras, so the 2026-07-28 server has them too. */
export const PROMPTS: readonly ConformancePrompt[] = [
  {
    listing: { name: "test_simple_prompt", description: "A prompt without arguments" },
    render: () => ({
      messages: [
        { role: "user", content: { type: "text", text: "This is a simple prompt for testing." } },
      ],
    }),
  },
  {
    listing: {
      name: "test_prompt_with_arguments",
      description: "A prompt that quotes its two arguments",
      arguments: [
        { name: "arg1", description: "First test argument", required: true },
        { name: "arg2", description: "Second test argument", required: true },
      ],
    },
    render: (args) => {
      const arg1 = requiredArgument(args, "arg1");
      const arg2 = requiredArgument(args, "arg2");
      const text = `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`;
      return { messages: [{ role: "user", content: { type: "text", text } }] };
    },
  },
  {
    listing: {
      name: "test_prompt_with_embedded_resource",
      description: "A prompt that embeds the resource it is given",
      arguments: [
        { name: "resourceUri", description: "URI of the resource to embed", required: true },
      ],
    },
    render: (args) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "resource",
            resource: {
              uri: requiredArgument(args, "resourceUri"),
              mimeType: "text/plain",
              text: "Embedded resource content for testing.",
            },
          },
        },
        {
          role: "user",
          content: { type: "text", text: "Please process the embedded resource above." },
        },
      ],
    }),
  },
  {
    listing: { name: "test_prompt_with_image", description: "A prompt that shows an image" },
    render: () => ({
      messages: [
        { role: "user", content: { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" } },
        { role: "user", content: { type: "text", text: "Please analyze the image above." } },
      ],
    }),
  },
];

export function registerPrompts(server: Server): void {
  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: PROMPTS.map((prompt) => prompt.listing),
  }));
  server.setRequestHandler(GetPromptRequestSchema, ({ params }) => {
    const prompt = PROMPTS.find((candidate) => candidate.listing.name === params.name);
    if (prompt === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`);
    }
    return prompt.render(params.arguments ?? {});
  });
}

function requiredArgument(args: Record<string, string>, name: string): string {
  const value = args[name];
  if (value === undefined) {
    throw new McpError(ErrorCode.InvalidParams, `Missing required argument: ${name}`);
  }
  return value;
}
