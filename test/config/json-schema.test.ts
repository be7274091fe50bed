import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchemaText, SCHEMA_FILE } from "../../scripts/generate-schema";

describe("resources/config.schema.json", () => {
  it("is the schema generated from the config schema code (run `npm run schema`)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(configJsonSchemaText());
  });

  it("is a draft 2020-12 schema that rejects unknown keys and keeps the descriptions", () => {
    const schema = JSON.parse(configJsonSchemaText());
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: expect.any(String),
      title: "Gatehouse config",
      type: "object",
      additionalProperties: false,
      properties: { binds: { type: "array" }, mcp: { type: "object" } },
    });
    expect(schema.properties.mcp.description).toMatch(/short form/);
    expect(Object.keys(schema.properties)).toEqual([
      "config",
      "binds",
      "frontendPolicies",
      "gateways",
      "routes",
      "backends",
      "mcp",
    ]);
  });
});
