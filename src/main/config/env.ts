import { homedir } from "node:os";
import { visit, type Document, type Scalar } from "yaml";

/** `$VAR`, `${VAR}` and `${VAR:-default}`, as a shell (and agentgateway) expands them. */
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Expands environment variables and a leading `~` in every string value, in place. It works on
 * the parsed document rather than the text so that error positions stay exact; a plain
 * (unquoted) value that becomes a number or boolean is typed as YAML would have typed it.
 */
export function expandEnvironment(
  doc: Document,
  env: NodeJS.ProcessEnv,
  onMissing: (name: string, node: Scalar) => void,
): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      const text = node.value;
      if (!text.includes("$") && !text.startsWith("~")) return;
      let expanded = text.replace(
        VARIABLE,
        (whole, braced?: string, fallback?: string, bare?: string) => {
          const name = (braced ?? bare) as string;
          const value = env[name];
          if (value !== undefined && value !== "") return value;
          if (fallback !== undefined) return fallback;
          onMissing(name, node);
          return whole;
        },
      );
      if (expanded === "~" || expanded.startsWith("~/")) expanded = homedir() + expanded.slice(1);
      node.value = node.type === "PLAIN" ? retype(expanded) : expanded;
    },
  });
}

function retype(value: string): string | number | boolean {
  if (NUMBER.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}
