import { formatPath, type ConfigProblem } from "../problems";
import { isRecord } from "./resource-set";

/** Something notes can point into: a resource (import), or the loaded config (export). */
export interface Locatable {
  locate(path: readonly PropertyKey[], message: string): ConfigProblem;
}

export type OutputPath = (string | number)[];

/**
 * What a translation between Kubernetes resources and a local config could not carry over, or
 * wants the reader to know. Nothing is dropped without one of these.
 */
export interface BridgeNote {
  /** Where the input says it, and what happened to it. */
  at: ConfigProblem;
  /** Where its `# TODO` comment goes in the output; its header when unset. */
  outputPath?: OutputPath;
  /**
   * A TODO: the input asks for something the output does not do. Otherwise it only informs
   * (a Deployment skipped, a default made explicit).
   */
  todo: boolean;
}

/** Where a note's input is: `file:line:col path`. */
export function noteLocation({ at }: BridgeNote): string {
  return `${at.file}:${at.line}:${at.col}${at.path ? ` ${at.path}` : ""}`;
}

/** A note as one line: what, then where in the input. */
export function describeNote(note: BridgeNote): string {
  return `${note.at.message} (${noteLocation(note)})`;
}

/** Collects notes, and which part of the output came from where in the input. */
export class BridgeNotes {
  readonly notes: BridgeNote[] = [];
  private readonly origins: { output: string; at: ConfigProblem }[] = [];

  todo(
    resource: Locatable,
    path: readonly PropertyKey[],
    message: string,
    outputPath?: OutputPath,
  ): void {
    this.add({ at: resource.locate(path, message), outputPath, todo: true });
  }

  info(
    resource: Locatable,
    path: readonly PropertyKey[],
    message: string,
    outputPath?: OutputPath,
  ): void {
    this.add({ at: resource.locate(path, message), outputPath, todo: false });
  }

  /** Once per place and message: a route on several listeners is exported several times. */
  private add(note: BridgeNote): void {
    const seen = (n: BridgeNote) =>
      n.at.file === note.at.file &&
      n.at.line === note.at.line &&
      n.at.col === note.at.col &&
      n.at.message === note.at.message;
    if (!this.notes.some(seen)) this.notes.push(note);
  }

  /**
   * A TODO for each key of `value` that the translation does not read, so that a field it does
   * not know is named, never silently lost.
   */
  unread(
    resource: Locatable,
    path: readonly PropertyKey[],
    value: unknown,
    read: readonly string[],
    outputPath?: OutputPath,
  ): void {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (read.includes(key)) continue;
      const where = [...path, key].map(String).join(".");
      this.todo(resource, [...path, key], `${where} is not carried over by Gatehouse`, outputPath);
    }
  }

  /**
   * The output at `output` is left out after all: notes that were to stand there go to the
   * header, rather than above whatever takes its place.
   */
  leftOut(output: OutputPath): void {
    const prefix = formatPath(output);
    for (const note of this.notes) {
      if (note.outputPath && formatPath(note.outputPath).startsWith(prefix)) delete note.outputPath;
    }
  }

  /** Remembers that the output at `output` was made from `path` in `resource`. */
  madeFrom(output: OutputPath, resource: Locatable, path: readonly PropertyKey[]): void {
    this.origins.push({ output: formatPath(output), at: resource.locate(path, "") });
  }

  /**
   * Where in the input the output at `output` came from: the longest recorded prefix, so a
   * problem deep in an imported policy points at the policy field it was made from.
   */
  originOf(output: readonly PropertyKey[] | string): ConfigProblem | undefined {
    const wanted = typeof output === "string" ? output : formatPath(output);
    let best: { output: string; at: ConfigProblem } | undefined;
    for (const origin of this.origins) {
      const rest = wanted.slice(origin.output.length);
      const isPrefix =
        wanted.startsWith(origin.output) && (rest === "" || rest[0] === "." || rest[0] === "[");
      if (isPrefix && (!best || origin.output.length > best.output.length)) best = origin;
    }
    return best?.at;
  }
}
