import type { IncomingHttpHeaders } from "node:http";
import type { AnswerHead } from "./answer-head";

/** One change to a set of headers; names are lowercase. */
export type HeaderEdit =
  | { readonly kind: "add" | "set"; readonly name: string; readonly value: string }
  | { readonly kind: "remove"; readonly name: string };

/**
 * Changes to headers, in agentgateway's order: every `add` (appended beside existing values),
 * then every `set` (replacing them), then every `remove`. The same edits apply to the three
 * places headers live here: a client's request as later steps and the relay read it, a request
 * to an HTTP target, and the head of an answer.
 */
export class HeaderEdits {
  private readonly edits: readonly HeaderEdit[];

  constructor(edits: readonly HeaderEdit[]) {
    const rank = { add: 0, set: 1, remove: 2 };
    this.edits = [...edits].sort((a, b) => rank[a.kind] - rank[b.kind]);
  }

  get empty(): boolean {
    return this.edits.length === 0;
  }

  /** Node's parsed request headers: repeated values joined with ", ", `set-cookie` a list. */
  applyToRequest(headers: IncomingHttpHeaders): void {
    for (const edit of this.edits) {
      if (edit.kind === "remove") {
        Reflect.deleteProperty(headers, edit.name);
      } else if (edit.kind === "set" || headers[edit.name] === undefined) {
        headers[edit.name] = edit.name === "set-cookie" ? [edit.value] : edit.value;
      } else {
        const existing = headers[edit.name] as string | string[];
        headers[edit.name] = Array.isArray(existing)
          ? [...existing, edit.value]
          : `${existing}, ${edit.value}`;
      }
    }
  }

  applyToFetch(headers: Headers): void {
    for (const edit of this.edits) {
      if (edit.kind === "remove") headers.delete(edit.name);
      else if (edit.kind === "set") headers.set(edit.name, edit.value);
      else headers.append(edit.name, edit.value);
    }
  }

  applyToAnswer(head: AnswerHead): void {
    for (const edit of this.edits) {
      if (edit.kind === "remove") head.remove(edit.name);
      else if (edit.kind === "set") head.set(edit.name, edit.value);
      else head.add(edit.name, edit.value);
    }
  }
}

/**
 * `next`, sending each request with the edits `editsFor` gives at the time (none: untouched).
 */
export function fetchWithEdits(
  next: typeof fetch,
  editsFor: () => readonly HeaderEdits[] | undefined,
): typeof fetch {
  return (url, init) => {
    const edits = editsFor();
    if (edits === undefined) return next(url, init);
    const headers = new Headers(init?.headers);
    for (const edit of edits) edit.applyToFetch(headers);
    return next(url, { ...init, headers });
  };
}
