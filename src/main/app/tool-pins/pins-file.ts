import { stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { withFileLock } from "../../keystore/file-lock";
import { isJsonObject, readJsonFile, writeJsonFile } from "../../keystore/json-file";
import { STORED_DEFINITION_MAX } from "./tool-definition";

/**
 * The pinned tool definitions, in the data folder: the gateway writes what it pins and the
 * changes it sees, `gatehouse pins` and the UI write decisions, and the gateway watches it.
 *
 * ```json
 * { "version": 1,
 *   "targets": {
 *     "<sha256 of the target's identity>": {
 *       "identity": "stdio [\"node\",\"server.mjs\"]", "target": "files", "route": "default",
 *       "tools": {
 *         "read": { "sha256": "…", "definition": "{…}", "pinnedAt": "2025-…",
 *                   "pending": { "sha256": "…", "definition": "{…}", "seenAt": "2025-…" },
 *                   "rejected": ["…"] } } } } }
 * ```
 */
export const PINS_FILE = "tool-pins.json";

export function pinsPath(dataDir: string): string {
  return join(dataDir, PINS_FILE);
}

/** What a target can make the file grow to: it names its tools and writes their definitions. */
export const MAX_TOOLS_PER_TARGET = 512;
export const MAX_TOOL_NAME = 256;
/** Targets come from the config, not from a target; the bound only keeps the file sane. */
export const MAX_TARGETS = 256;
/** The rejected definitions a tool remembers, so that each is not asked about again. */
export const MAX_REJECTED = 8;
export const MAX_IDENTITY = 2048;
/** Larger than anything the bounds above let the gateway write. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hex");
const definition = z.string().max(STORED_DEFINITION_MAX + 100);
const time = z.iso.datetime();

const pendingSchema = z.strictObject({ sha256, definition, seenAt: time });
const toolSchema = z.strictObject({
  sha256,
  definition,
  pinnedAt: time,
  pending: pendingSchema.optional(),
  rejected: z.array(sha256).max(MAX_REJECTED).optional(),
});
const targetSchema = z.strictObject({
  identity: z.string().max(MAX_IDENTITY),
  target: z.string().max(253),
  route: z.string().max(MAX_TOOL_NAME),
  tools: z.unknown(),
});

export type ToolPin = z.infer<typeof toolSchema>;
export type PendingChange = z.infer<typeof pendingSchema>;

/** The pins of one target. Tool names are the target's: kept in a Map, never as object keys. */
export interface TargetPins {
  identity: string;
  target: string;
  route: string;
  tools: Map<string, ToolPin>;
}

/** Every target's pins, by the SHA-256 of its identity. */
export type Pins = Map<string, TargetPins>;

export class PinsError extends Error {}

/** The file's pins; none when there is no file yet. */
export async function readPins(path: string): Promise<Pins> {
  const size = await stat(path).then(
    (stats) => stats.size,
    () => 0,
  );
  if (size > MAX_FILE_BYTES) {
    throw new PinsError(`${path} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  }
  const json = await readJsonFile(path);
  return json === undefined ? new Map() : parsePins(json, path);
}

/** Reads the file, lets `change` edit its pins, and writes them, as the only writer meanwhile. */
export function changePins<T>(path: string, change: (pins: Pins) => T): Promise<[Pins, T]> {
  return withFileLock(path, async () => {
    const pins = await readPins(path);
    const result = change(pins);
    await writeJsonFile(path, serialize(pins));
    return [pins, result];
  });
}

function parsePins(json: unknown, path: string): Pins {
  const fail = (where: string, problem: string) =>
    new PinsError(`${path}: ${where}: ${problem} (gatehouse pins reset <target> starts over)`);
  if (!isJsonObject(json) || json.version !== 1 || !isJsonObject(json.targets)) {
    throw fail("the top", 'expected {"version": 1, "targets": {...}}');
  }
  const entries = Object.entries(json.targets);
  if (entries.length > MAX_TARGETS) throw fail("targets", `more than ${MAX_TARGETS}`);
  const pins: Pins = new Map();
  for (const [key, value] of entries) {
    if (!sha256.safeParse(key).success) throw fail(`targets.${key.slice(0, 80)}`, "not a SHA-256");
    const parsed = targetSchema.safeParse(value);
    if (!parsed.success) throw fail(`targets.${key}`, describe(parsed.error));
    const { tools, ...target } = parsed.data;
    if (!isJsonObject(tools)) throw fail(`targets.${key}.tools`, "expected an object");
    const toolEntries = Object.entries(tools);
    if (toolEntries.length > MAX_TOOLS_PER_TARGET) {
      throw fail(`targets.${key}.tools`, `more than ${MAX_TOOLS_PER_TARGET}`);
    }
    const byName = new Map<string, ToolPin>();
    for (const [name, tool] of toolEntries) {
      const where = `targets.${key}.tools.${name.slice(0, MAX_TOOL_NAME)}`;
      if (name.length > MAX_TOOL_NAME) throw fail(where, "the name is too long");
      const parsedTool = toolSchema.safeParse(tool);
      if (!parsedTool.success) throw fail(where, describe(parsedTool.error));
      byName.set(name, parsedTool.data);
    }
    pins.set(key, { ...target, tools: byName });
  }
  return pins;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "it"}: ${issue.message}` : "invalid";
}

function serialize(pins: Pins): unknown {
  const targets = [...pins].map(([key, { tools, ...target }]) => [
    key,
    // fromEntries defines each key as its own property, "__proto__" included.
    { ...target, tools: Object.fromEntries(tools) },
  ]);
  return { version: 1, targets: Object.fromEntries(targets) };
}
