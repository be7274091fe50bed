import type { Caller } from "../../../../shared/ui-api";

/** The picker's state: every kind keeps its input, so switching back loses nothing. */
export type CallerKind = "identity" | "token" | "anonymous";

export interface CallerChoice {
  kind: CallerKind;
  identity: string;
  token: string;
}

export function callerOf(choice: CallerChoice): Caller {
  if (choice.kind === "identity") return { identity: choice.identity };
  if (choice.kind === "token") return { token: choice.token.trim().replace(/^Bearer\s+/i, "") };
  return { anonymous: true };
}

export function isCallerComplete(choice: CallerChoice): boolean {
  if (choice.kind === "identity") return choice.identity !== "";
  if (choice.kind === "token") return choice.token.trim() !== "";
  return true;
}
