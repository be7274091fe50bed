/** When a processor sees a call: never, before it goes to the targets, after, or both. */
export type Phase = "off" | "request" | "response" | "full";

export const PHASES = ["off", "request", "response", "full"] as const;

export const runsRequest = (phase: Phase) => phase === "request" || phase === "full";
export const runsResponse = (phase: Phase) => phase === "response" || phase === "full";

/**
 * How specific a pattern that matches is, highest first: an exact name, then a prefix
 * (`tools/*`: a method's namespace is its owner), then a suffix (`*\/list`), then `*`.
 */
const EXACT = 4;
const PREFIX = 3;
const SUFFIX = 2;
const ANY = 1;

/**
 * A processor's `methods` map, compiled: the phase of each method, by agentgateway's rule. The
 * most specific matching pattern wins; within a kind, the longer; then the one first in
 * alphabetical order. A method no pattern matches is off.
 */
export class MethodPhases {
  private readonly exact = new Map<string, Phase>();
  /** The wildcard patterns, most specific first, so that the first match wins. */
  private readonly wildcards: { kind: number; part: string; phase: Phase }[] = [];

  constructor(methods: Readonly<Record<string, Phase>>) {
    for (const [pattern, phase] of Object.entries(methods)) {
      const kind = patternKind(pattern);
      if (kind === EXACT) this.exact.set(pattern, phase);
      else if (kind === PREFIX) this.wildcards.push({ kind, part: pattern.slice(0, -1), phase });
      else if (kind === SUFFIX) this.wildcards.push({ kind, part: pattern.slice(1), phase });
      else if (kind === ANY) this.wildcards.push({ kind, part: "", phase });
    }
    this.wildcards.sort(
      (a, b) => b.kind - a.kind || b.part.length - a.part.length || compare(a.part, b.part),
    );
  }

  phaseOf(method: string): Phase {
    const exact = this.exact.get(method);
    if (exact !== undefined) return exact;
    const match = this.wildcards.find(({ kind, part }) =>
      kind === PREFIX ? method.startsWith(part) : method.endsWith(part),
    );
    return match?.phase ?? "off";
  }
}

/**
 * What kind of pattern a `methods` key is; 0 for one that can never match (empty, or a `*`
 * anywhere but at one end), which agentgateway loads with a warning.
 */
export function patternKind(pattern: string): number {
  if (pattern === "*") return ANY;
  const stars = pattern.split("*").length - 1;
  if (pattern === "" || stars > 1) return 0;
  if (stars === 0) return EXACT;
  if (pattern.endsWith("*")) return PREFIX;
  return pattern.startsWith("*") ? SUFFIX : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
