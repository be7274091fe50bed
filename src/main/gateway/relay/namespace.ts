import type { PrefixMode } from "../../../shared/config/model";

export type ItemKind = "tool" | "prompt" | "resource";

/**
 * How the tools, prompts and resources of several targets share one namespace, as in
 * agentgateway: tools and prompts become `<target>_<name>`, resource URIs `<target>+<uri>`.
 * Target names cannot contain either delimiter (the config schema rejects them), so the first
 * delimiter always ends the target name.
 */
const DELIMITER: Record<ItemKind, string> = { tool: "_", prompt: "_", resource: "+" };

/** An RFC 3986 scheme; URIs without one pass through unprefixed, as in agentgateway. */
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export interface Resolved {
  target: string;
  name: string;
}

export class Namespace {
  private readonly prefixNames: boolean;
  private readonly prefixUris: boolean;
  /** With `prefixMode: never` and several targets, a name leads to the target that listed it. */
  private readonly listedBy = new Map<string, string>();

  constructor(
    private readonly targets: readonly string[],
    mode: PrefixMode,
  ) {
    const several = targets.length > 1;
    this.prefixNames = mode === "always" || (mode === "conditional" && several);
    this.prefixUris = mode === "always" || several;
  }

  expose(kind: ItemKind, target: string, name: string): string {
    if (kind === "resource") {
      return this.prefixUris && HAS_SCHEME.test(name) ? target + "+" + name : name;
    }
    if (this.prefixNames) return target + DELIMITER[kind] + name;
    if (this.targets.length > 1) this.listedBy.set(kind + ":" + name, target);
    return name;
  }

  resolve(kind: ItemKind, exposed: string): Resolved | undefined {
    const prefixed = kind === "resource" ? this.prefixUris : this.prefixNames;
    if (prefixed) {
      const at = exposed.indexOf(DELIMITER[kind]);
      const target = exposed.slice(0, at);
      return at > 0 && this.targets.includes(target)
        ? { target, name: exposed.slice(at + 1) }
        : undefined;
    }
    if (this.targets.length === 1) return { target: this.targets[0] as string, name: exposed };
    const target = this.listedBy.get(kind + ":" + exposed);
    return target === undefined ? undefined : { target, name: exposed };
  }
}
