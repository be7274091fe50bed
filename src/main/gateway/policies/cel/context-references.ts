import type { ASTNode } from "@marcbachmann/cel-js";
import type { ExpressionProblem } from "./describe-error";
import type { RuleScope } from "./rule-types";

/** What a member holds: a string, a map of any keys (headers), or members of its own. */
type Shape = "string" | "anyKey" | { readonly [member: string]: Shape };

const NAME_AND_TARGET: Shape = { name: "string", target: "string" };

/**
 * The context roots whose members are known (CelContext); `jwt` holds any claim, `apiKey` any
 * metadata of the key.
 */
const SHAPES: Readonly<Record<string, Shape>> = {
  request: { method: "string", path: "string", host: "string", headers: "anyKey" },
  source: { address: "string" },
  basicAuth: { username: "string" },
  mcp: {
    // A call's arguments are set at tools/call only; in lists no rule can read them.
    tool: { ...NAME_AND_TARGET, arguments: "anyKey" },
    prompt: NAME_AND_TARGET,
    resource: { uri: "string", target: "string" },
  },
};

/** Members that agentgateway rules may name but that Gatehouse never sets, and why. */
const NEVER_SET: Readonly<Record<string, string>> = {
  "request.body": "Gatehouse does not read request bodies for rules",
  "mcp.tool.result": "rules decide before the call, so there is no result",
};

/** What access-log and span expressions see besides: the call and the answer. */
const LOG_SHAPES: Readonly<Record<string, Shape>> = {
  ...SHAPES,
  mcp: { ...(SHAPES.mcp as object), methodName: "string", sessionId: "string" },
  response: { code: "string" },
};

/** What extAuthz's `metadata` sees besides: the authorization service's answer. */
const AUTHZ_RESPONSE_SHAPES: Readonly<Record<string, Shape>> = {
  ...SHAPES,
  response: { code: "string", headers: "anyKey", body: "string" },
};

/** Members that agentgateway's log expressions may name but that Gatehouse's log does not hold. */
const NEVER_LOGGED: Readonly<Record<string, string>> = {
  "request.body": "Gatehouse does not read request bodies",
  "mcp.tool.arguments": "Gatehouse's log holds a call's tool and target, not its arguments",
  "mcp.tool.result": "Gatehouse's log holds a call's outcome, not its result",
  "mcp.tool.error": "Gatehouse's log holds a failed call's message as the field `error`",
};

/** Macros whose first argument names a variable bound in the arguments after it. */
const COMPREHENSIONS = new Set(["all", "exists", "exists_one", "map", "filter"]);

function children(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case "value":
    case "id":
      return [];
    case ".":
    case ".?":
      return [node.args[0]];
    case "call":
      return node.args[1];
    case "rcall":
      return [node.args[1], ...node.args[2]];
    case "map":
      return node.args.flat();
    case "!_":
    case "-_":
      return [node.args];
    default:
      return node.args;
  }
}

/** `mcp.tool["name"]` → {root: "mcp", keys: ["tool", "name"]}; undefined unless all keys are literal. */
function memberChain(node: ASTNode): { root: string; keys: string[] } | undefined {
  const keys: string[] = [];
  let current = node;
  for (;;) {
    if (current.op === "." || current.op === ".?") {
      keys.push(current.args[1]);
      current = current.args[0];
    } else if (
      (current.op === "[]" || current.op === "[?]") &&
      current.args[1].op === "value" &&
      typeof current.args[1].args === "string"
    ) {
      keys.push(current.args[1].args);
      current = current.args[0];
    } else {
      break;
    }
  }
  return current.op === "id" ? { root: current.args, keys: keys.reverse() } : undefined;
}

function shapesIn(scope: RuleScope): Readonly<Record<string, Shape>> {
  if (scope === "log") return LOG_SHAPES;
  return scope === "authzResponse" ? AUTHZ_RESPONSE_SHAPES : SHAPES;
}

/** Why a path into the context never has a value at decision time, or undefined when it may. */
function problemWith(root: string, keys: string[], scope: RuleScope): string | undefined {
  if (root === "mcp" && (scope === "http" || scope === "authzResponse")) {
    const path = [root, ...keys].join(".");
    return `${path} never exists in route authorization rules: mcp is only set in mcpAuthorization rules`;
  }
  let shape = shapesIn(scope)[root] as Shape;
  for (let i = 0; i < keys.length; i++) {
    if (typeof shape === "string") return undefined;
    const key = keys[i] as string;
    const path = [root, ...keys.slice(0, i + 1)].join(".");
    const reason = (scope === "log" ? NEVER_LOGGED : NEVER_SET)[path];
    if (reason) return `${path} never exists: ${reason}`;
    if (!Object.hasOwn(shape, key)) {
      const parent = [root, ...keys.slice(0, i)].join(".");
      return `${path} does not exist: ${parent} has ${Object.keys(shape).join(", ")}`;
    }
    shape = shape[key] as Shape;
  }
  return undefined;
}

/** Calls `found` with each context root a rule names and the literal keys after it. */
function visitReferences(
  ast: ASTNode,
  roots: Readonly<Record<string, unknown>>,
  found: (root: string, keys: string[], node: ASTNode) => void,
): void {
  // `bound` holds macro variables that hide a context root, as in `list.exists(mcp, mcp > 0)`.
  const visit = (node: ASTNode, bound: ReadonlySet<string>): void => {
    const chain = node.op === "id" ? { root: node.args, keys: [] } : memberChain(node);
    if (chain) {
      if (Object.hasOwn(roots, chain.root) && !bound.has(chain.root)) {
        found(chain.root, chain.keys, node);
      }
      // A chain's keys are literals: there is nothing else inside it to visit.
      return;
    }
    if (node.op === "rcall") {
      const [name, receiver, args] = node.args;
      visit(receiver, bound);
      const variable = args[0]?.op === "id" ? args[0].args : undefined;
      const isBind = name === "bind" && receiver.op === "id" && receiver.args === "cel";
      if (variable !== undefined && (COMPREHENSIONS.has(name) || isBind)) {
        const inner = new Set(bound).add(variable);
        // cel.bind(v, init, body): only the body sees v; a comprehension's arguments all do.
        args.slice(1).forEach((arg, i) => visit(arg, isBind && i === 0 ? bound : inner));
        return;
      }
      for (const arg of args) visit(arg, bound);
      return;
    }
    for (const child of children(node)) visit(child, bound);
  };
  visit(ast, new Set());
}

/**
 * Finds references to context members that never exist when the rule runs (`request.body`,
 * `mcp.prompt.uri`, any `mcp.*` in a route rule). Such a rule type-checks, since the roots are
 * maps, but it would always evaluate to an error, which counts as false: worth a warning at load.
 */
export function findContextWarnings(ast: ASTNode, scope: RuleScope): ExpressionProblem[] {
  const warnings: ExpressionProblem[] = [];
  const reported = new Set<string>();
  visitReferences(ast, shapesIn(scope), (root, keys, node) => {
    const message = problemWith(root, keys, scope);
    if (!message || reported.has(message)) return;
    reported.add(message);
    warnings.push({ message, offset: node.start });
  });
  return warnings;
}

const ARGUMENTS_PATH = ["tool", "arguments"];

/**
 * Whether a rule may read a tool call's arguments: it names `mcp.tool.arguments`, or `mcp` or
 * `mcp.tool` as a whole (`mcp.tool[key]`, `mcp.tool == {...}`), which may reach them. Lists do
 * not know the arguments, so such a rule cannot decide a list item when it fails there.
 */
export function readsToolArguments(ast: ASTNode): boolean {
  let reads = false;
  visitReferences(ast, { mcp: true }, (_root, keys) => {
    const common = Math.min(keys.length, ARGUMENTS_PATH.length);
    if (keys.slice(0, common).every((key, i) => key === ARGUMENTS_PATH[i])) reads = true;
  });
  return reads;
}
