import { createTwoFilesPatch } from "diff";

/**
 * How a tool's definition changed, as a unified diff of the two definitions as they are kept
 * (each at most STORED_DEFINITION_MAX characters, so the diff is bounded too).
 */
export function definitionDiff(tool: string, pinned: string, changed: string): string {
  const patch = createTwoFilesPatch(
    `${tool} (pinned)`,
    `${tool} (now)`,
    `${pinned}\n`,
    `${changed}\n`,
    undefined,
    undefined,
    { context: 3 },
  );
  // The line of "=" that jsdiff puts first says nothing a person needs.
  return patch.slice(patch.indexOf("\n") + 1).trimEnd();
}
