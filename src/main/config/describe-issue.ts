import type { z } from "zod";

type Issue = z.core.$ZodIssue;
type SchemaNode = { _zod: { def: Record<string, unknown> & { type: string } } };

/** A zod issue in words a person can act on. */
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "is required, but missing"
        : `expected ${article(issue.expected)}, got ${kindOf(issue.input)}`;
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
      return issue.message;
  }
}

export function describeUnknownKey(key: string, allowed: string[] | undefined): string {
  const hint = allowed?.length ? ` (allowed here: ${allowed.join(", ")})` : "";
  return `unknown key "${key}"${hint}`;
}

/** The keys an object in the schema accepts, found by walking the schema along a path. */
export function allowedKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let node = schema as SchemaNode | undefined;
  for (const segment of [...path, undefined]) {
    node = unwrap(node);
    if (!node) return undefined;
    const def = node._zod.def;
    if (segment === undefined) {
      return def.type === "object" ? Object.keys(def.shape as object) : undefined;
    }
    if (def.type === "object") node = (def.shape as Record<string, SchemaNode>)[String(segment)];
    else if (def.type === "array") node = def.element as SchemaNode;
    else if (def.type === "record") node = def.valueType as SchemaNode;
    else return undefined;
  }
  return undefined;
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
