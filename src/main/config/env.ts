import { homedir } from "node:os";
import { isPair, isSeq, visit, type Document, type Node, type Scalar } from "yaml";

/**
 * `$VAR`, `${VAR}` and `${VAR:-default}`, as a shell (and agentgateway) expands them, and `$$`,
 * agentgateway's escape for a `$` that starts no variable (`pa$$word` is `pa$word`).
 */
const VARIABLE = /\$\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A variable that could not be expanded, with the key path of the value that uses it. */
export type OnUnresolved = (message: string, path: PropertyKey[], node: Scalar) => void;

/**
 * Expands environment variables and a leading `~` in every string value, in place. It works on
 * the parsed document rather than the text so that error positions stay exact; a plain
 * (unquoted) value that becomes a number or boolean is typed as YAML would have typed it.
 */
export function expandEnvironment(
  doc: Document,
  env: NodeJS.ProcessEnv,
  onUnresolved: OnUnresolved,
): void {
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string") return;
      const text = node.value;
      if (!text.includes("$") && !text.startsWith("~")) return;
      let expanded = text.replace(
        VARIABLE,
        (whole, braced?: string, fallback?: string, bare?: string) => {
          if (whole === "$$") return "$";
          const name = (braced ?? bare) as string;
          const value = env[name];
          if (value !== undefined && value !== "") return value;
          if (fallback !== undefined) return fallback;
          // "not set" would puzzle someone who did set it, to nothing.
          const state = value === "" ? "empty" : "not set";
          onUnresolved(`environment variable ${name} is ${state}`, keyPath(ancestors, node), node);
          return whole;
        },
      );
      if (expanded === "~" || expanded.startsWith("~/")) expanded = homedir() + expanded.slice(1);
      node.value = node.type === "PLAIN" ? retype(expanded) : expanded;
    },
  });
}

/** The key path (`mcp.targets[0].stdio.cmd`) of a node, from the ancestors `visit` gives. */
function keyPath(ancestors: readonly unknown[], node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  ancestors.forEach((ancestor, i) => {
    const child = ancestors[i + 1] ?? node;
    if (isPair(ancestor) && ancestor.value === child) {
      path.push((ancestor.key as Scalar).value as PropertyKey);
    } else if (isSeq(ancestor)) {
      path.push(ancestor.items.indexOf(child));
    }
  });
  return path;
}

function retype(value: string): string | number | boolean {
  if (NUMBER.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}
