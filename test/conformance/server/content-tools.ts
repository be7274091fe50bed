import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { NO_ARGUMENTS, textResult, toolError } from "./conformance-tool";
import { RED_PIXEL_PNG, SILENT_WAV } from "./media-samples";

/**
 * A tool whose result follows from its arguments alone: it needs no session, stream or client
 * request, so the 2025 server and the 2026-07-28 one (`../modern/`) both serve it as it is.
 */
export interface ContentTool {
  definition: Tool;
  answer(args: Record<string, unknown>): CallToolResult;
}

/** Tools that answer at once with fixed content, one per content type the scenarios check. */
export const CONTENT_TOOLS: readonly ContentTool[] = [
  {
    definition: {
      name: "test_simple_text",
      description: "Returns one text block",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => textResult("This is a simple text response for testing."),
  },
  {
    definition: {
      name: "test_image_content",
      description: "Returns one PNG image",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => ({
      content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }],
    }),
  },
  {
    definition: {
      name: "test_audio_content",
      description: "Returns one WAV clip",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => ({
      content: [{ type: "audio", data: SILENT_WAV, mimeType: "audio/wav" }],
    }),
  },
  {
    definition: {
      name: "test_embedded_resource",
      description: "Returns one embedded text resource",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => ({
      content: [
        {
          type: "resource",
          resource: {
            uri: "test://embedded-resource",
            mimeType: "text/plain",
            text: "This is an embedded resource content.",
          },
        },
      ],
    }),
  },
  {
    definition: {
      name: "test_multiple_content_types",
      description: "Returns text, an image and an embedded resource together",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: JSON.stringify({ test: "data", value: 123 }),
          },
        },
      ],
    }),
  },
  {
    definition: {
      name: "test_error_handling",
      description: "Always fails",
      inputSchema: NO_ARGUMENTS,
    },
    answer: () => toolError("This tool intentionally returns an error for testing"),
  },
  {
    definition: {
      name: "json_schema_2020_12_tool",
      description: "Tool with JSON Schema 2020-12 features",
      inputSchema: jsonSchema202012InputSchema(),
    },
    answer: (args) => textResult(`Received: ${JSON.stringify(args)}`),
  },
];

/**
 * An input schema that uses the 2020-12 vocabulary a server must pass through untouched
 * (SEP-1613, SEP-2106): the dialect, `$defs` with an `$anchor`, a `$ref`, composition,
 * a conditional and `additionalProperties`.
 */
function jsonSchema202012InputSchema(): Tool["inputSchema"] {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    $defs: {
      address: {
        $anchor: "addressDef",
        type: "object",
        properties: { street: { type: "string" }, city: { type: "string" } },
      },
    },
    properties: {
      name: { type: "string" },
      address: { $ref: "#/$defs/address" },
      contactMethod: { type: "string", enum: ["phone", "email"] },
      phone: { type: "string" },
      email: { type: "string" },
    },
    allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
    if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
    then: { required: ["phone"] },
    else: { required: ["email"] },
    additionalProperties: false,
  };
}
