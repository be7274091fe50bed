import { boundText } from "../bounded-text";
import { serves } from "./capabilities";
import { LIST_METHODS, type ListSpec, type Part } from "./merge";
import type { ItemKind } from "./namespace";
import { matchesUriTemplate } from "./uri-template";
import type { Upstream } from "./upstream";

/** Resource templates are offered like names, and matched against the URI a client reads. */
type Entry = ItemKind | "template";

/** The list method of each kind, paged through. */
const LISTED_BY: Record<Entry, string> = {
  tool: "tools/list",
  prompt: "prompts/list",
  resource: "resources/list",
  template: "resources/templates/list",
};
/** The entries a kind is found by: a resource also through the templates. */
const entriesOf = (kind: ItemKind): Entry[] =>
  kind === "resource" ? ["resource", "template"] : [kind];
/** Bounds the gateway's own listing of a target that hands out cursors forever. */
const MAX_PAGES = 64;
const LIST_TIMEOUT_MS = 30_000;
/** Names in the log and in errors are cut like every other field. */
const NAME_MAX = 256;

/**
 * Which target offers a name, where names carry no prefix (`prefixMode: never` with several
 * targets). It learns from every list the client asks for, and when a client uses a name it has
 * not seen (a cached list, a new session) it lists the targets itself, once each, until a
 * target says its list changed. A name offered by two targets names neither: it is left out of
 * the lists, and the log says so once.
 */
export class TargetDirectory {
  /** For each kind and name, the targets that offer it, e.g. "tool echo" → {"a"}. */
  private readonly offeredBy = new Map<string, Set<string>>();
  /** The kinds each target was listed for completely, e.g. "a tool". */
  private readonly complete = new Set<string>();
  private readonly listing = new Map<ItemKind, Promise<void>>();

  constructor(
    private readonly upstreams: readonly Upstream[],
    /** Told of a name offered by several targets, with the sentence that says so. */
    private readonly onAmbiguous: (message: string) => void,
  ) {}

  /** Takes in what a page of the client's list named. */
  learnFrom(parts: Part[], spec: ListSpec): void {
    const entry: Entry = spec.field === "uriTemplate" ? "template" : (spec.kind as ItemKind);
    for (const { target, response } of parts) this.learnPage(entry, target, response.result, spec);
  }

  /** The one target known to offer a name, without asking any. */
  owner(kind: ItemKind, name: string): string | undefined {
    const targets = this.offeredBy.get(kind + " " + name);
    return targets?.size === 1 ? targets.values().next().value : undefined;
  }

  /** Whether a name is offered by more than one target, and so cannot be routed. */
  ambiguous(kind: ItemKind, name: string): boolean {
    return (this.offeredBy.get(kind + " " + name)?.size ?? 0) > 1;
  }

  /**
   * The targets that offer a name (for a resource, also through a template), listing the
   * targets first if none is known to. Empty: nobody offers it; several: it is ambiguous.
   */
  async find(kind: ItemKind, name: string): Promise<string[]> {
    const known = this.owners(kind, name);
    if (known.length > 0) return known;
    await this.listAll(kind);
    return this.owners(kind, name);
  }

  /** A target said its list of `kind` changed: what it offered is learned anew. */
  forget(target: string, kind: ItemKind): void {
    for (const entry of entriesOf(kind)) {
      this.complete.delete(target + " " + entry);
      for (const [key, targets] of this.offeredBy) {
        if (key.startsWith(entry + " ")) targets.delete(target);
      }
    }
  }

  /** The sentence the log and a refused call say about an ambiguous name. */
  explain(kind: ItemKind, name: string): string {
    const targets = this.sorted(this.offeredBy.get(kind + " " + name) ?? new Set());
    const named = targets.map((target) => `"${target}"`);
    const list = `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
    return (
      `${kind} "${boundText(name, NAME_MAX)}" is offered by targets ${list}: with prefixMode ` +
      "never, a name must be unique across targets (rename one, or use prefixMode conditional)"
    );
  }

  /** Takes in the items of one page of a target's list. */
  private learnPage(
    entry: Entry,
    target: string,
    result: Record<string, unknown> | undefined,
    { key, field }: ListSpec,
  ): void {
    for (const item of (result?.[key] ?? []) as Record<string, unknown>[]) {
      const name = item[field];
      if (typeof name === "string") this.learn(entry, target, name);
    }
  }

  private learn(entry: Entry, target: string, name: string): void {
    const key = entry + " " + name;
    let targets = this.offeredBy.get(key);
    if (!targets) this.offeredBy.set(key, (targets = new Set()));
    if (targets.has(target)) return;
    targets.add(target);
    // Said when a second target joins, not on every list that shows the name again.
    if (targets.size > 1 && entry !== "template") this.onAmbiguous(this.explain(entry, name));
  }

  private owners(kind: ItemKind, name: string): string[] {
    const exact = this.offeredBy.get(kind + " " + name);
    if (exact && exact.size > 0) return this.sorted(exact);
    if (kind !== "resource") return [];
    const matching = new Set<string>();
    for (const [key, targets] of this.offeredBy) {
      if (key.startsWith("template ") && matchesUriTemplate(key.slice(9), name)) {
        for (const target of targets) matching.add(target);
      }
    }
    return this.sorted(matching);
  }

  /** In the order of the config, so that messages read the same every time. */
  private sorted(targets: Set<string>): string[] {
    return this.upstreams.map((u) => u.name).filter((name) => targets.has(name));
  }

  private listAll(kind: ItemKind): Promise<void> {
    let pending = this.listing.get(kind);
    if (!pending) {
      pending = Promise.all(
        this.upstreams.flatMap((upstream) =>
          entriesOf(kind).map((entry) => this.list(upstream, entry)),
        ),
      ).then(() => void this.listing.delete(kind));
      this.listing.set(kind, pending);
    }
    return pending;
  }

  /** Every page of one target's list, unless it was listed since it last changed. */
  private async list(upstream: Upstream, entry: Entry): Promise<void> {
    const method = LISTED_BY[entry];
    const done = upstream.name + " " + entry;
    if (this.complete.has(done) || !upstream.alive || !serves(upstream.capabilities, method)) {
      return;
    }
    let cursor: unknown;
    for (let page = 0; page < MAX_PAGES; page++) {
      const params = cursor === undefined ? {} : { cursor };
      const { result } = await upstream.call(method, params, LIST_TIMEOUT_MS);
      this.learnPage(entry, upstream.name, result, LIST_METHODS[method] as ListSpec);
      cursor = result?.nextCursor;
      if (typeof cursor !== "string") break;
    }
    // A target that failed to answer is not asked again for every unknown name: its
    // list_changed, or a new session, asks anew.
    this.complete.add(done);
  }
}
