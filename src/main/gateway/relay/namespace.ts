import type { PrefixMode } from "../../config/model";

/** What mcpAuthorization rules are about. */
export type ItemKind = "tool" | "prompt" | "resource";
/** Everything a client names that belongs to one target: items, and the tasks they start. */
export type NamedKind = ItemKind | "task";

/**
 * How the items of several targets share one namespace, as in agentgateway: tools and prompts
 * become `<target>_<name>`, resource URIs and task ids `<target>+<uri or id>`. Target names
 * cannot contain either delimiter (the config schema rejects them), so the first delimiter
 * always ends the target name.
 */
const DELIMITER: Record<NamedKind, string> = { tool: "_", prompt: "_", resource: "+", task: "+" };

/** An RFC 3986 scheme; URIs without one pass through unprefixed, as in agentgateway. */
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export interface Resolved {
  target: string;
  name: string;
}

export class Namespace {
  /** Whether the session has several targets, whose answers the gateway combines. */
  readonly multiplexed: boolean;
  /** Whether names and URIs carry their target; without, a directory finds it (`never`). */
  private readonly prefixed: boolean;

  constructor(
    private readonly targets: readonly string[],
    mode: PrefixMode,
  ) {
    this.multiplexed = targets.length > 1;
    this.prefixed = mode === "always" || (mode === "conditional" && this.multiplexed);
  }

  /**
   * Whether any name a target writes is exposed otherwise. Where none is (one target, no
   * prefixes), its results reach the client without being looked through.
   */
  get rewritesNames(): boolean {
    return this.multiplexed || this.prefixed;
  }

  /** Whether an unprefixed name must be looked up among what the targets offer. */
  get needsDirectory(): boolean {
    return this.multiplexed && !this.prefixed;
  }

  expose(kind: NamedKind, target: string, name: string): string {
    // Task ids are opaque and the client never types them: prefixed whenever there is a choice.
    if (kind === "task") return this.multiplexed ? target + "+" + name : name;
    if (!this.prefixed) return name;
    if (kind === "resource") return HAS_SCHEME.test(name) ? target + "+" + name : name;
    return target + DELIMITER[kind] + name;
  }

  /** The target and own name of an exposed name; undefined if it names no target. */
  resolve(kind: NamedKind, exposed: string): Resolved | undefined {
    const carriesTarget = kind === "task" ? this.multiplexed : this.prefixed;
    if (!carriesTarget) {
      return this.multiplexed ? undefined : { target: this.targets[0] as string, name: exposed };
    }
    const at = exposed.indexOf(DELIMITER[kind]);
    const target = exposed.slice(0, at);
    return at > 0 && this.targets.includes(target)
      ? { target, name: exposed.slice(at + 1) }
      : undefined;
  }
}
