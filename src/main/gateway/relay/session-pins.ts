import type { TargetSpec } from "../../config/model";
import { boundText } from "../bounded-text";
import type { Part } from "./merge";
import type { Upstream } from "./upstream";

/** A target whose tools are pinned, as the pins know it. */
export interface PinnedTarget {
  /**
   * What the target is: its command line or URL. Pins follow the server, not the name it has
   * in one route: the same name repeats across routes and listeners, and a route may be renamed.
   */
  identity: string;
  /** The names it goes by, for the person who approves a change. */
  name: string;
  route: string;
}

/** Where tool definitions are pinned: the app keeps them in the data folder. */
export interface ToolPins {
  /**
   * One page of a target's tools as the target lists them now: pins the tools it has not seen,
   * and gives the names of those whose definition is not the pinned one, which are hidden.
   */
  review(target: PinnedTarget, tools: readonly unknown[]): ReadonlySet<string>;
}

/** The identity of a target: how it is started or reached, which outlives restarts. */
export function targetIdentity(target: TargetSpec): string {
  return target.kind === "stdio"
    ? `stdio ${JSON.stringify([target.cmd, ...target.args])}`
    : `${target.kind} ${target.url}`;
}

/** Bounds the session's own listing of a target that hands out cursors forever. */
const MAX_PAGES = 64;
const LIST_TIMEOUT_MS = 30_000;
/** Names in the log are cut like every other field. */
const NAME_MAX = 256;
/** How many hidden tools a log line names; the rest are counted. */
const NAMED_MAX = 5;

/**
 * What one session knows of its targets' pinned tools: which may be used, from the latest list
 * it saw of each target. A call to a tool it has not seen listed makes it list that target
 * itself first, once until the target says its tools changed: a tool that is not listed has no
 * pinned definition, so it is refused like one that changed.
 */
export class SessionPins {
  private readonly targets = new Map<string, PinnedTarget>();
  /** Per target name: each tool seen listed, and whether its definition is the pinned one. */
  private readonly verdicts = new Map<string, Map<string, boolean>>();
  private readonly listing = new Map<string, Promise<void>>();

  constructor(
    private readonly pins: ToolPins,
    route: string,
    upstreams: readonly Upstream[],
  ) {
    for (const { target } of upstreams) {
      if (target.pinning === false) continue;
      this.targets.set(target.name, { identity: targetIdentity(target), name: target.name, route });
    }
  }

  /**
   * Takes the tools whose definition changed out of each target's page of a tools/list, in
   * place; the reason for the log when it took any.
   */
  screen(parts: Part[]): string | undefined {
    const hidden: string[] = [];
    for (const { target, response } of parts) {
      const result = response.result;
      if (!Array.isArray(result?.tools)) continue;
      const changed = this.review(target, result.tools);
      if (changed.size === 0) continue;
      result.tools = (result.tools as Record<string, unknown>[]).filter(
        (tool) => !changed.has(tool.name as string),
      );
      for (const name of changed) hidden.push(`"${boundText(name, NAME_MAX)}" of "${target}"`);
    }
    if (hidden.length === 0) return undefined;
    const named = hidden.slice(0, NAMED_MAX).join(", ");
    const more = hidden.length > NAMED_MAX ? ` and ${hidden.length - NAMED_MAX} more` : "";
    return `tool pinning hid ${named}${more}: changed since pinned, awaiting approval`;
  }

  /** Whether a tool may be called: its definition, as last listed, is the pinned one. */
  allows(upstream: Upstream, name: string): boolean | Promise<boolean> {
    if (!this.targets.has(upstream.name)) return true;
    const known = this.verdicts.get(upstream.name)?.get(name);
    if (known !== undefined) return known;
    return this.listTools(upstream).then(
      () => this.verdicts.get(upstream.name)?.get(name) === true,
    );
  }

  /** The target said its tools changed: the next call to one it has not seen lists it anew. */
  forget(target: string): void {
    this.listing.delete(target);
  }

  /** The reason a refused call gets in the log. */
  refusal(target: string, name: string): string {
    return (
      `tool pinning: "${boundText(name, NAME_MAX)}" of "${target}" is not listed with its ` +
      "pinned definition (changed, or never listed)"
    );
  }

  private review(target: string, tools: unknown[]): ReadonlySet<string> {
    const pinned = this.targets.get(target);
    if (!pinned) return new Set();
    const changed = this.pins.review(pinned, tools);
    let verdicts = this.verdicts.get(target);
    if (!verdicts) this.verdicts.set(target, (verdicts = new Map()));
    for (const tool of tools as Record<string, unknown>[]) {
      if (typeof tool?.name === "string") verdicts.set(tool.name, !changed.has(tool.name));
    }
    return changed;
  }

  private listTools(upstream: Upstream): Promise<void> {
    let pending = this.listing.get(upstream.name);
    if (!pending) {
      pending = this.listAllPages(upstream);
      this.listing.set(upstream.name, pending);
    }
    return pending;
  }

  private async listAllPages(upstream: Upstream): Promise<void> {
    let cursor: unknown;
    for (let page = 0; page < MAX_PAGES && upstream.alive; page++) {
      const { result } = await upstream.call(
        "tools/list",
        cursor === undefined ? {} : { cursor },
        LIST_TIMEOUT_MS,
      );
      if (Array.isArray(result?.tools)) this.review(upstream.name, result.tools);
      cursor = result?.nextCursor;
      if (typeof cursor !== "string") return;
    }
  }
}
