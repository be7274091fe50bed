import { boundText } from "../../bounded-text";

type Node = Record<string, unknown>;

/** Something in an OpenAPI document that Gatehouse cannot use, said for the person who wrote it. */
export class DocumentError extends Error {
  override name = "DocumentError";
}

/**
 * How large a tool's input schema may grow once its `$ref`s are written out: references shared
 * many times over (or nested to some depth) multiply, and the schema goes over the wire with
 * every `tools/list`.
 */
export const MAX_SCHEMA_NODES = 100_000;

/** Keywords whose value is a schema, a list of schemas, or a map of names to schemas. */
const ONE_SCHEMA = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
const SCHEMA_LIST = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_MAP = new Set(["properties", "patternProperties", "dependentSchemas", "$defs"]);

/** `text` from the document, fit for a message: bounded, control characters escaped. */
export function shown(text: string): string {
  return boundText(text, 120);
}

/** The same, in quotes. */
export function quoted(text: string): string {
  return `"${shown(text)}"`;
}

export function isObject(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The local references of one document (`#/components/schemas/Pet`, JSON pointers), followed.
 * agentgateway writes every `$ref` of a tool's schemas out in place, so that a client (and the
 * model behind it) sees one self-contained schema per tool; so does this. Results are shared
 * between the tools that use the same schema, never copied twice.
 */
export class DocumentRefs {
  /** Each schema node met, written out; shared wherever the document shares it. */
  private readonly inlined = new Map<Node, unknown>();
  /** The schema nodes being written out now: meeting one again is a recursive schema. */
  private readonly visiting = new Set<Node>();
  /** The references being followed now, innermost last, for the message about a cycle. */
  private readonly following: string[] = [];
  /** Node counts of written-out schemas, as JSON would spell them out. */
  private readonly sizes = new Map<object, number>();

  constructor(private readonly doc: Node) {}

  /** A parameter, request body or path item: itself, or what its `$ref` (chain) points at. */
  deref(node: unknown): unknown {
    const seen = new Set<string>();
    while (isObject(node) && typeof node.$ref === "string") {
      if (seen.has(node.$ref))
        throw new DocumentError(`$ref ${quoted(node.$ref)} refers to itself`);
      seen.add(node.$ref);
      node = this.lookup(node.$ref);
    }
    return node;
  }

  /**
   * A schema with every `$ref` in it replaced by what it points at, recursively. A `$ref` with
   * keywords beside it (OpenAPI 3.1) gets them on top of its target's.
   */
  inline(schema: unknown): unknown {
    if (!isObject(schema)) return schema;
    const done = this.inlined.get(schema);
    if (done !== undefined) return done;
    if (this.visiting.has(schema)) {
      const ref = this.following.at(-1);
      throw new DocumentError(
        ref === undefined
          ? "a schema contains itself (a YAML anchor used inside itself)"
          : `schema ${quoted(ref)} refers to itself: a recursive schema cannot be written out as a tool's input schema`,
      );
    }
    this.visiting.add(schema);
    try {
      const result =
        typeof schema.$ref === "string" ? this.inlineRef(schema) : this.inlineKeywords(schema);
      this.inlined.set(schema, result);
      return result;
    } finally {
      this.visiting.delete(schema);
    }
  }

  /** Throws when `schema`, written out as JSON, would have more than MAX_SCHEMA_NODES nodes. */
  checkSize(schema: unknown): void {
    if (this.sizeOf(schema, new Set()) > MAX_SCHEMA_NODES) {
      throw new DocumentError(
        `its input schema would have more than ${MAX_SCHEMA_NODES} nodes once its $refs are written out`,
      );
    }
  }

  private inlineRef({ $ref, ...siblings }: Node): unknown {
    const ref = $ref as string;
    this.following.push(ref);
    const target = this.inline(this.lookup(ref));
    this.following.pop();
    if (Object.keys(siblings).length === 0 || !isObject(target)) return target;
    return { ...target, ...this.inlineKeywords(siblings) };
  }

  private inlineKeywords(schema: Node): Node {
    const out: Node = {};
    for (const [key, value] of Object.entries(schema)) {
      if (ONE_SCHEMA.has(key)) {
        // `items` may still be a list of schemas (draft 4 tuples).
        out[key] = Array.isArray(value) ? value.map((v) => this.inline(v)) : this.inline(value);
      } else if (SCHEMA_LIST.has(key) && Array.isArray(value)) {
        out[key] = value.map((v) => this.inline(v));
      } else if (SCHEMA_MAP.has(key) && isObject(value)) {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, v]) => [name, this.inline(v)]),
        );
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  /** Nodes of `value` spelled out as JSON, counted once per shared node (memoized). */
  private sizeOf(value: unknown, path: Set<object>): number {
    if (typeof value !== "object" || value === null) return 1;
    const known = this.sizes.get(value);
    if (known !== undefined) return known;
    if (path.has(value)) {
      throw new DocumentError("a value in the document contains itself (a YAML anchor)");
    }
    path.add(value);
    let size = 1;
    for (const child of Object.values(value)) {
      size += this.sizeOf(child, path);
      // Past the bound the exact count no longer matters; stop before it costs time.
      if (size > MAX_SCHEMA_NODES) break;
    }
    path.delete(value);
    this.sizes.set(value, size);
    return size;
  }

  /** What a local reference (a JSON pointer after "#") points at. */
  private lookup(ref: string): unknown {
    if (!ref.startsWith("#")) {
      throw new DocumentError(
        `$ref ${quoted(ref)} points outside the document: only references within it ("#/...") are supported`,
      );
    }
    let node: unknown = this.doc;
    for (const token of ref.slice(1).split("/").slice(1)) {
      const key = decodePointerToken(token, ref);
      const container = node as Node;
      node =
        typeof node === "object" && node !== null && Object.hasOwn(container, key)
          ? container[key]
          : undefined;
      if (node === undefined) {
        throw new DocumentError(`$ref ${quoted(ref)} points at nothing in the document`);
      }
    }
    return node;
  }
}

/** A JSON pointer token from a URI fragment: percent-decoded, then `~1` is "/" and `~0` is "~". */
function decodePointerToken(token: string, ref: string): string {
  try {
    return decodeURIComponent(token).replaceAll("~1", "/").replaceAll("~0", "~");
  } catch {
    throw new DocumentError(`$ref ${quoted(ref)} is not a valid JSON pointer`);
  }
}
