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
}
