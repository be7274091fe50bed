import type { z } from "zod";
import { agentgatewayFeature, PLACES } from "./agentgateway-features";

type SchemaNode = { _zod: { def: Record<string, unknown> & { type: string } } };

/** The words a YAML author uses for zod's type names. */
const TYPE_WORDS: Record<string, string> = { int: "whole number", object: "map", array: "list" };

/**
 * zod's messages in words a person can act on. It is passed to `safeParse` as the error map,
 * which zod consults only when the schema gives no message of its own, so a message written
 * in the schema (such as the target name rule) wins.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "is required, but missing"
        : `expected ${article(TYPE_WORDS[issue.expected] ?? issue.expected)}, got ${kindOf(issue.input)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return "must not be empty";
      return `must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `takes at most ${issue.maximum} item(s)`;
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    default:
      return undefined;
  }
};

/**
 * The message for a key the schema does not know at `path`: the agentgateway feature it is,
 * with why Gatehouse does not take it, or else a typo, with the keys allowed there.
 */
export function describeUnknownKey(schema: unknown, path: readonly PropertyKey[], key: string) {
  const node = nodeAt(schema, path);
  const place = node && PLACES.get(node as unknown as z.ZodType)?.place;
  const reason = place && agentgatewayFeature(place, key);
  if (reason) return `agentgateway feature "${key}" is not supported by Gatehouse: ${reason}`;
  const allowed = node && keysOf(node._zod.def);
  const hint = allowed?.length ? ` (allowed here: ${allowed.join(", ")})` : "";
  return `unknown key "${key}"${hint}`;
}

/** The schema of the value at a path, found by walking the schema along it; unwrapped. */
function nodeAt(schema: unknown, path: readonly PropertyKey[]): SchemaNode | undefined {
  let node = unwrap(schema as SchemaNode | undefined);
  for (const segment of path) {
    if (!node) return undefined;
    const def = node._zod.def;
    if (def.type === "object") node = (def.shape as Record<string, SchemaNode>)[String(segment)];
    else if (def.type === "array") node = def.element as SchemaNode;
    else if (def.type === "record") node = def.valueType as SchemaNode;
    else return undefined;
    node = unwrap(node);
  }
  return node;
}

function keysOf(def: SchemaNode["_zod"]["def"]): string[] | undefined {
  if (def.type === "object") return Object.keys(def.shape as object);
  // A record keyed by an enum (such as `provider`) accepts the enum's values.
  const keyDef = def.type === "record" ? (def.keyType as SchemaNode)._zod.def : undefined;
  return keyDef?.type === "enum" ? Object.values(keyDef.entries as object) : undefined;
}

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  while (node && ["optional", "nullable", "default", "readonly"].includes(node._zod.def.type)) {
    node = node._zod.def.innerType as SchemaNode;
  }
  return node;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}
