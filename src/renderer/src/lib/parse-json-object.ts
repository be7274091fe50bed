export type JsonObjectParse =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; message: string; line?: number; col?: number };

/** Parses a JSON object and, on failure, says where: V8 reports a character position. */
export function parseJsonObject(text: string): JsonObjectParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (caught) {
    const message = caught instanceof Error ? caught.message : String(caught);
    const position = /position (\d+)/.exec(message)?.[1];
    if (position === undefined) return { ok: false, message };
    const before = text.slice(0, Number(position)).split("\n");
    return {
      ok: false,
      message: message.replace(/ \(line \d+ column \d+\)$/, ""),
      line: before.length,
      col: (before.at(-1)?.length ?? 0) + 1,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: 'must be a JSON object, like {"sub": "alice"}' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
