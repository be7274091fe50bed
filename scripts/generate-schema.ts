/**
 * Writes resources/config.schema.json from the config schema (`npm run schema`), so editors
 * that read `# yaml-language-server: $schema=...` check a file exactly as Gatehouse does. A
 * test compares the committed file with `configJsonSchemaText()`, so it cannot go stale.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { configSchema } from "../src/main/config/schema";

export const SCHEMA_FILE = fileURLToPath(
  new URL("../resources/config.schema.json", import.meta.url),
);

/** An identifier, not a download address: editors find the file through the `$schema` comment. */
const SCHEMA_ID = "urn:gatehouse:config";

export function configJsonSchemaText(): string {
  // "input": the schema describes what a person writes, before any defaults are applied.
  const { $schema, ...schema } = z.toJSONSchema(configSchema, {
    target: "draft-2020-12",
    io: "input",
  });
  const document = { $schema, $id: SCHEMA_ID, title: "Gatehouse config", ...schema };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, configJsonSchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
