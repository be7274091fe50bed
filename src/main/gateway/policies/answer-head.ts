/**
 * The head of an answer just before it is written: its status and its headers, whoever set
 * them (a policy's answer, the relay's, CORS). Policies that change answers edit it here, so
 * that they reach headers the relay itself writes.
 */
export interface AnswerHead {
  readonly status: number;
  /** The header's value, repeated values joined with ", "; undefined when it is not set. */
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  /** Adds a value, beside any the header already has. */
  add(name: string, value: string): void;
  remove(name: string): void;
  /** Every header, names in lowercase, repeated values joined: what CEL sees as `response.headers`. */
  all(): Record<string, string>;
}

/** What edits an answer's head: the request, which holds what its policies registered. */
export interface AnswerHeadEditor {
  /** Whether anything will edit the head, so that it is worth building one. */
  readonly editsAnswer: boolean;
  editAnswer(head: AnswerHead): void;
  /**
   * Then what must wait: undefined when nothing does, else when the head may be written, or
   * the answer to write in place of this one.
   */
  settleAnswer(head: AnswerHead): Promise<AnswerReplacement | undefined> | undefined;
}

/** An answer given in place of the one being written. */
export interface AnswerReplacement {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}
