import { quoteUntrusted } from "../policies/jwt/quote-untrusted";

/**
 * The notifications a client may send. Anything else without an id is refused: a `tools/call`
 * without an id would otherwise travel as a notification, past every rule that looks at calls.
 */
const CLIENT_NOTIFICATIONS = new Set([
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
]);

/** Why a message cannot have come from a well-behaved client, or `undefined` when it is sound. */
export type MessageProblem = { reason: string; evasion: boolean };

/**
 * Checks one message of a client's POST before the relay sees it: a JSON-RPC 2.0 object whose
 * id, when present, is a string or a number, and which without an id is a client notification.
 * `evasion` marks the problem that can only be an attempt to get past a policy.
 */
export function clientMessageProblem(value: unknown): MessageProblem | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return invalid("it is not a JSON-RPC 2.0 message");
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return invalid('it is not a JSON-RPC 2.0 message ("jsonrpc": "2.0")');
  if (m.id !== undefined && typeof m.id !== "string" && typeof m.id !== "number")
    return invalid("its id must be a string or a number");
  if (m.params !== undefined && (typeof m.params !== "object" || m.params === null))
    return invalid("its params must be an object");
  if (m.method === undefined) {
    if (m.id === undefined) return invalid("it has neither a method nor an id");
    return m.result === undefined && m.error === undefined
      ? invalid("a response needs a result or an error")
      : undefined;
  }
  if (typeof m.method !== "string") return invalid("its method must be a string");
  if (m.id === undefined && !CLIENT_NOTIFICATIONS.has(m.method)) {
    const reason = `${quoteUntrusted(m.method)} is not a notification a client may send; a request needs an id`;
    return { reason, evasion: true };
  }
  return undefined;
}

const invalid = (reason: string): MessageProblem => ({ reason, evasion: false });
