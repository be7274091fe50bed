import { createHash } from "node:crypto";
import type { ToolPinsOfTarget } from "../../../shared/ui-api";
import { watchFile } from "../../config/watch";
import { boundText } from "../../gateway/bounded-text";
import type { LogBus } from "../../gateway/log-bus";
import type { PinnedTarget, ToolPins } from "../../gateway/relay/session-pins";
import { isJsonObject } from "../../keystore/json-file";
import { definitionDiff } from "./definition-diff";
import {
  changePins,
  MAX_IDENTITY,
  MAX_REJECTED,
  MAX_TARGETS,
  MAX_TOOL_NAME,
  MAX_TOOLS_PER_TARGET,
  PinsError,
  readPins,
  type PendingChange,
  type Pins,
  type TargetPins,
  type ToolPin,
} from "./pins-file";
import { pinnedDefinition, type PinnedDefinition } from "./tool-definition";

type Change = (pins: Pins) => void;

/** How many distinct warnings are remembered, so that each is said once; beyond, again. */
const TOLD_MAX = 1000;

/**
 * The pinned tool definitions of every target (rug-pull protection): the first definition
 * seen of a tool is pinned; a later one that differs hides the tool until a person approves
 * it. The gateway asks it about every tools/list page, from memory; what it learns is written
 * to the pins file soon after, and the file is watched, so that a decision made by
 * `gatehouse pins` in another process holds from the next list on.
 */
export class ToolPinStore implements ToolPins {
  private pins: Pins = new Map();
  /** Why the file cannot be read; meanwhile every tool of a pinned target is hidden. */
  private broken: string | undefined;
  /** Changes made in memory and not yet in the file. */
  private queued: Change[] = [];
  private flushing: Promise<void> | undefined;
  private stopWatching: (() => Promise<void>) | undefined;
  private readonly told = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly path: string,
    private readonly bus: LogBus,
  ) {}

  /** Reads the file and follows it; a file that does not exist yet is made, to be watched. */
  async start(): Promise<void> {
    await this.reload(async () => (await changePins(this.path, () => undefined))[0]);
    this.stopWatching = watchFile(this.path, () => void this.reload(() => readPins(this.path)));
  }

  async close(): Promise<void> {
    await this.stopWatching?.();
    await this.flushing;
  }

  /** Told whenever the pins changed: something was pinned, changed, approved or rejected. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  review(target: PinnedTarget, tools: readonly unknown[]): ReadonlySet<string> {
    const hidden = new Set<string>();
    const key = identityKey(target.identity);
    for (const tool of tools) {
      if (!isJsonObject(tool) || typeof tool.name !== "string") continue;
      if (this.hides(key, target, tool.name, tool)) hidden.add(tool.name);
    }
    return hidden;
  }

  // ---- what the UI and `gatehouse pins` ask, from the file ------------------------------

  async list(): Promise<ToolPinsOfTarget[]> {
    const pins = await readPins(this.path);
    return [...pins.values()].map(summary);
  }

  /** The changed definition becomes the pinned one: the tool is listed again. */
  async approve(target: string, tool: string): Promise<void> {
    await this.decide(target, (entry, now) => {
      const { pending } = changedPin(entry, tool, target);
      entry.tools.set(tool, {
        sha256: pending.sha256,
        definition: pending.definition,
        pinnedAt: now,
      });
    });
  }

  /** The pinned definition stays: the tool stays hidden while the target's differs from it. */
  async reject(target: string, tool: string): Promise<void> {
    await this.decide(target, (entry) => {
      const { pending, ...pin } = changedPin(entry, tool, target);
      const rejected = [...(pin.rejected ?? []), pending.sha256].slice(-MAX_REJECTED);
      entry.tools.set(tool, { ...pin, rejected });
    });
  }

  /** Forgets every pin of a target: its tools are pinned anew as they are next listed. */
  async reset(target: string): Promise<void> {
    await this.decide(target, (_entry, _now, key, pins) => void pins.delete(key));
  }

  // ---- internals -------------------------------------------------------------------------

  /** Whether a tool as listed now is hidden; pins it, or records its change, as it goes. */
  private hides(key: string, target: PinnedTarget, name: string, tool: object): boolean {
    const about = `tool "${boundText(name, MAX_TOOL_NAME)}" of target "${target.name}"`;
    if (this.broken) return this.warnOnce(`tool pins unreadable: ${this.broken}`, target, "error");
    if (name.length > MAX_TOOL_NAME) {
      return this.warnOnce(`${about} is hidden: its name is longer than ${MAX_TOOL_NAME}`, target);
    }
    let now: PinnedDefinition;
    try {
      now = pinnedDefinition(tool as Record<string, unknown>);
    } catch (error) {
      return this.warnOnce(`${about} is hidden: ${(error as Error).message}`, target);
    }
    const entry = this.pins.get(key);
    const pin = entry?.tools.get(name);
    if (!pin) return this.pinNew(key, target, name, now, about);
    if (pin.sha256 === now.sha256) return false;
    const known = pin.pending?.sha256 === now.sha256 || pin.rejected?.includes(now.sha256);
    if (!known) {
      this.queue(notePending(key, name, now, new Date().toISOString()));
      const diff = definitionDiff(name, pin.definition, now.definition);
      this.bus.notice(
        "warn",
        `${about} (route "${target.route}") changed since it was pinned: it is hidden until ` +
          `the change is approved (gatehouse pins approve ${target.name} ${name}, or in the ` +
          `app)\n${diff}`,
        { target: target.name },
      );
    }
    return true;
  }

  private pinNew(
    key: string,
    target: PinnedTarget,
    name: string,
    now: PinnedDefinition,
    about: string,
  ): boolean {
    const entry = this.pins.get(key);
    if (!entry && this.pins.size >= MAX_TARGETS) {
      return this.warnOnce(
        `${about} is hidden: ${MAX_TARGETS} targets are pinned already (gatehouse pins reset one)`,
        target,
      );
    }
    if (entry && entry.tools.size >= MAX_TOOLS_PER_TARGET) {
      return this.warnOnce(
        `${about} is hidden: the target has more than ${MAX_TOOLS_PER_TARGET} tools to pin`,
        target,
      );
    }
    this.queue(pinTool(key, target, name, now, new Date().toISOString()));
    return false;
  }

  /** Says something once per run (per target), and hides the tool it is about. */
  private warnOnce(message: string, target: PinnedTarget, level: "warn" | "error" = "warn") {
    const said = `${target.identity}\n${message}`;
    if (!this.told.has(said)) {
      if (this.told.size >= TOLD_MAX) this.told.clear();
      this.told.add(said);
      this.bus.notice(level, message, { target: target.name });
    }
    return true;
  }

  /** Applies a change in memory now, and to the file with whatever else this turn changes. */
  private queue(change: Change): void {
    change(this.pins);
    this.queued.push(change);
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  private async flush(): Promise<void> {
    while (this.queued.length > 0) {
      const changes = this.queued;
      this.queued = [];
      try {
        const [pins] = await changePins(this.path, (pins) => changes.forEach((c) => c(pins)));
        this.adopt(pins);
      } catch (error) {
        this.bus.notice("error", `cannot save tool pins: ${(error as Error).message}`);
      }
    }
    this.flushing = undefined;
  }

  private async decide(
    target: string,
    change: (entry: TargetPins, now: string, key: string, pins: Pins) => void,
  ): Promise<void> {
    const [pins] = await changePins(this.path, (pins) => {
      const [key, entry] = findTarget(pins, target);
      change(entry, new Date().toISOString(), key, pins);
    });
    this.adopt(pins);
  }

  private async reload(read: () => Promise<Pins>): Promise<void> {
    try {
      this.adopt(await read());
    } catch (error) {
      this.broken = (error as Error).message;
      this.bus.notice("error", `tool pins: ${this.broken}: every pinned target's tools are hidden`);
    }
  }

  /** The file's pins become the ones in force, with what is still to be written on top. */
  private adopt(pins: Pins): void {
    for (const change of this.queued) change(pins);
    this.pins = pins;
    this.broken = undefined;
    for (const listener of this.listeners) listener();
  }
}

/** The file keys a target by a hash of its identity: short, and the same every run. */
function identityKey(identity: string): string {
  return createHash("sha256").update(identity).digest("hex");
}

function pinTool(
  key: string,
  target: PinnedTarget,
  name: string,
  now: PinnedDefinition,
  time: string,
): Change {
  return (pins) => {
    let entry = pins.get(key);
    if (!entry) {
      if (pins.size >= MAX_TARGETS) return;
      const identity = boundText(target.identity, MAX_IDENTITY);
      entry = { identity, target: target.name, route: target.route, tools: new Map() };
      pins.set(key, entry);
    }
    if (entry.tools.has(name) || entry.tools.size >= MAX_TOOLS_PER_TARGET) return;
    // The names it goes by now, for `gatehouse pins` to find it.
    entry.target = target.name;
    entry.route = boundText(target.route, MAX_TOOL_NAME);
    entry.tools.set(name, { ...now, pinnedAt: time });
  };
}

function notePending(key: string, name: string, now: PinnedDefinition, time: string): Change {
  return (pins) => {
    const pin = pins.get(key)?.tools.get(name);
    if (!pin || pin.sha256 === now.sha256 || pin.rejected?.includes(now.sha256)) return;
    if (pin.pending?.sha256 !== now.sha256) pin.pending = { ...now, seenAt: time };
  };
}

/** The target a person names: by its name, or as route/name where that name is not unique. */
function findTarget(pins: Pins, name: string): [string, TargetPins] {
  const found = [...pins].filter(
    ([, entry]) => entry.target === name || `${entry.route}/${entry.target}` === name,
  );
  const [first] = found;
  if (!first) throw new PinsError(`no target "${name}" has pinned tools (see gatehouse pins list)`);
  if (found.length > 1) {
    const which = found.map(([, e]) => `${e.route}/${e.target} (${e.identity})`).join(", ");
    throw new PinsError(
      `"${name}" names ${found.length} targets: ${which}; name one as route/target`,
    );
  }
  return first;
}

/** The pin of a tool whose change awaits a decision. */
function changedPin(
  entry: TargetPins,
  tool: string,
  target: string,
): ToolPin & { pending: PendingChange } {
  const pin = entry.tools.get(tool);
  if (!pin?.pending) {
    throw new PinsError(`no change of tool "${tool}" of target "${target}" awaits a decision`);
  }
  return pin as ToolPin & { pending: PendingChange };
}

function summary(entry: TargetPins): ToolPinsOfTarget {
  const pending = [...entry.tools].flatMap(([tool, pin]) =>
    pin.pending
      ? [
          {
            tool,
            pinnedAt: pin.pinnedAt,
            seenAt: pin.pending.seenAt,
            pinned: pin.definition,
            changed: pin.pending.definition,
            diff: definitionDiff(tool, pin.definition, pin.pending.definition),
          },
        ]
      : [],
  );
  const { identity, target, route } = entry;
  return { target, route, identity, tools: entry.tools.size, pending };
}
