import type { FailureMode } from "../../config/model";
import { mergeCapabilities, type Capabilities } from "./capabilities";
import type { RpcError, RpcMessage } from "./jsonrpc";
import type { NamedKind, Namespace } from "./namespace";

/** One target's answer to a request that went to several targets. */
export interface Part {
  target: string;
  response: RpcMessage;
}

export type Merged = { result: Record<string, unknown> } | { error: RpcError };

/**
 * One `initialize` answer for the client from the answers of every target: the protocol
 * version all of them speak, what any of them can do that the gateway can route and, with
 * several targets, the gateway as the server (a single target stays visible as itself).
 */
export function mergeInitialize(
  answers: { target: string; result: Record<string, unknown> }[],
  requestedVersion: unknown,
  gateway: { name: string; version: string },
): Record<string, unknown> {
  const results = answers.map((answer) => answer.result);
  if (results.length === 1) return results[0] as Record<string, unknown>;

  const versions = results.map((result) => String(result.protocolVersion));
  const protocolVersion = versions.every((version) => version === requestedVersion)
    ? requestedVersion
    : versions.sort()[0]; // MCP versions are dates: the oldest is the one all of them speak

  const capabilities = mergeCapabilities(
    results.map((result) => (result.capabilities ?? {}) as Capabilities),
  );

  const instructions = answers
    .filter((answer) => typeof answer.result.instructions === "string")
    .map((answer) => `${answer.target}: ${answer.result.instructions as string}`)
    .join("\n\n");

  return {
    protocolVersion,
    capabilities,
    serverInfo: gateway,
    ...(instructions && { instructions }),
  };
}

/** The list methods that fan out to every target and come back as one list. */
export interface ListSpec {
  key: "tools" | "prompts" | "resources" | "resourceTemplates" | "tasks";
  kind: NamedKind;
  field: "name" | "uri" | "uriTemplate" | "taskId";
}

export const LIST_METHODS: Record<string, ListSpec> = {
  "tools/list": { key: "tools", kind: "tool", field: "name" },
  "prompts/list": { key: "prompts", kind: "prompt", field: "name" },
  "resources/list": { key: "resources", kind: "resource", field: "uri" },
  "resources/templates/list": { key: "resourceTemplates", kind: "resource", field: "uriTemplate" },
  "tasks/list": { key: "tasks", kind: "task", field: "taskId" },
};

/**
 * Joins the pages of several targets into one page. The cursor of the next page holds the
 * cursor of every target that has more, so paging needs no state in the gateway; a route of
 * one target hands out that target's own cursor, so that the target gets back what it issued.
 */
export function mergeLists(
  parts: Part[],
  spec: ListSpec,
  namespace: Namespace,
  failureMode: FailureMode,
  visible?: (target: string, name: string) => boolean,
): Merged {
  const error = failClosedError(parts, failureMode);
  if (error) return { error };
  const items: Record<string, unknown>[] = [];
  const next: Record<string, string> = {};
  for (const { target, response } of parts) {
    if (response.error) continue;
    const result = response.result ?? {};
    for (const item of (result[spec.key] ?? []) as Record<string, unknown>[]) {
      const name = item[spec.field] as string;
      if (visible && !visible(target, name)) continue;
      item[spec.field] = namespace.expose(spec.kind, target, name);
      items.push(item);
    }
    if (typeof result.nextCursor === "string") next[target] = result.nextCursor;
  }
  const result: Record<string, unknown> = { [spec.key]: items };
  const withMore = Object.keys(next);
  if (withMore.length > 0) {
    result.nextCursor = namespace.multiplexed ? encodeCursor(next) : next[withMore[0] as string];
  }
  addCacheHints(result, parts);
  return { result };
}

/**
 * The caching hints of 2026-07-28 targets, for the list made of their pages: it is fresh only
 * as long as its stalest part (a part without a hint counts as stale at once, as the spec has
 * it), and private if any part is. Without a hint in any part, none is added.
 */
function addCacheHints(merged: Record<string, unknown>, parts: Part[]): void {
  const results = parts.flatMap(({ response }) => (response.result ? [response.result] : []));
  if (!results.some((result) => result.ttlMs !== undefined || result.cacheScope !== undefined)) {
    return;
  }
  let ttlMs = Infinity;
  for (const { ttlMs: part } of results) {
    ttlMs = Math.min(ttlMs, typeof part === "number" && part > 0 ? part : 0);
  }
  merged.ttlMs = ttlMs;
  merged.cacheScope = results.some((result) => result.cacheScope === "private")
    ? "private"
    : "public";
}

/** The answer to a request every target only acknowledges (ping, logging/setLevel). */
export function mergeAcknowledgements(parts: Part[], failureMode: FailureMode): Merged {
  const error = failClosedError(parts, failureMode);
  return error ? { error } : { result: {} };
}

/** Under failClosed, the first target's error fails the whole answer, naming that target. */
function failClosedError(parts: Part[], failureMode: FailureMode): RpcError | undefined {
  if (failureMode !== "failClosed") return undefined;
  for (const { target, response } of parts) {
    if (response.error) {
      return { ...response.error, message: `target "${target}": ${response.error.message}` };
    }
  }
  return undefined;
}

function encodeCursor(cursors: Record<string, string>): string {
  return Buffer.from(JSON.stringify(cursors)).toString("base64url");
}

/** The per-target cursors inside a cursor this gateway handed out; undefined if it is not one. */
export function decodeCursor(cursor: unknown): Record<string, string> | undefined {
  if (typeof cursor !== "string") return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return undefined;
    return Object.values(decoded).every((value) => typeof value === "string")
      ? (decoded as Record<string, string>)
      : undefined;
  } catch {
    return undefined;
  }
}
