import { createHash } from "node:crypto";

/** What a tool tells the model and the client about itself: what is pinned. */
const PINNED_FIELDS = [
  "name",
  "title",
  "description",
  "inputSchema",
  "outputSchema",
  "annotations",
] as const;
/** A schema nested deeper than this is no honest schema; it is refused, not recursed into. */
const MAX_DEPTH = 64;
/** How much of a definition is kept to show in a diff; the hash covers all of it. */
export const STORED_DEFINITION_MAX = 8 * 1024;

/** A tool's definition as pinned: its hash, and its text as far as it is kept. */
export interface PinnedDefinition {
  sha256: string;
  /** The pinned fields as JSON with sorted keys, two spaces deep, cut at STORED_DEFINITION_MAX. */
  definition: string;
}

/**
 * The pinned form of a tool as a target lists it: the same definition always gives the same
 * hash, whatever the order of its keys. Throws for a definition nested beyond MAX_DEPTH.
 */
export function pinnedDefinition(tool: Record<string, unknown>): PinnedDefinition {
  const fields: Record<string, unknown> = {};
  for (const field of PINNED_FIELDS) if (tool[field] !== undefined) fields[field] = tool[field];
  const sorted = sortKeys(fields, 0);
  const sha256 = createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
  return { sha256, definition: cut(JSON.stringify(sorted, null, 2)) };
}

function cut(text: string): string {
  if (text.length <= STORED_DEFINITION_MAX) return text;
  const more = text.length - STORED_DEFINITION_MAX;
  return `${text.slice(0, STORED_DEFINITION_MAX)}\n… (${more} more characters, not kept)`;
}

/** A copy with every object's keys in order: canonical JSON, once stringified. */
function sortKeys(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth > MAX_DEPTH) throw new Error(`its definition is nested more than ${MAX_DEPTH} deep`);
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1));
  // Without a prototype, a key "__proto__" from the target stays a key like any other.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key], depth + 1);
  }
  return sorted;
}
