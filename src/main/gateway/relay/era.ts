import { boundText } from "../bounded-text";
import type { TargetSpec } from "../../config/model";
import { ErrorCode, type RpcMessage } from "./jsonrpc";
import { LATEST_LEGACY_VERSION, META, MODERN_VERSION } from "./modern-envelope";

/**
 * The two eras of MCP a target may speak: `modern` (2026-07-28: every request carries its
 * version and the client's capabilities in `_meta`) and `legacy` (the 2025 revisions, which
 * open a session with `initialize`).
 */
export type Era = "modern" | "legacy";

type Params = Record<string, unknown>;

/** Errors that only a 2026-07-28 server answers with: even as refusals, they prove one. */
const MODERN_ERRORS = new Set<number>([
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
  ErrorCode.UnsupportedProtocolVersion,
]);
/** How much of a target's list of versions an error message repeats. */
const VERSIONS_SHOWN_MAX = 200;

/** What the answer to the `server/discover` probe says about a target. */
export type Verdict =
  | { era: "legacy" }
  /** `answer` is the target's, in the shape of an answer to initialize, or its refusal. */
  | { era: "modern"; answer: RpcMessage };

/**
 * Reads the answer to `server/discover`: a discover result or a recognized 2026-07-28 error
 * means a modern target; any other answer a legacy one, as the spec's probe rule says (2025
 * servers answer unknown requests before `initialize` each in their own way). A modern target
 * that names 2025 versions it also serves, and not the modern one the gateway speaks, is spoken
 * to in 2025.
 */
export function judgeDiscover(
  response: RpcMessage,
  initializeParams: Params | undefined,
  targetName: string,
): Verdict {
  const { result, error } = response;
  if (result && !error) {
    const versions = result.supportedVersions;
    if (!Array.isArray(versions)) return { era: "legacy" }; // another method of that name
    if (versions.includes(MODERN_VERSION)) {
      const answer = asInitializeResult(result, initializeParams, targetName);
      return { era: "modern", answer: { jsonrpc: "2.0", id: response.id, result: answer } };
    }
    return speaksLegacy(versions) ? { era: "legacy" } : unspoken(response, versions, targetName);
  }
  if (error === undefined || !MODERN_ERRORS.has(error.code)) return { era: "legacy" };
  const supported = (error.data as Params | undefined)?.supported;
  if (error.code !== ErrorCode.UnsupportedProtocolVersion || !Array.isArray(supported)) {
    return { era: "modern", answer: response };
  }
  return speaksLegacy(supported) ? { era: "legacy" } : unspoken(response, supported, targetName);
}

/**
 * A discover result in the shape of a 2025 target's answer to initialize, so that a session
 * treats both eras alike. The version is the one the client asked for: the gateway speaks it
 * with the client, and 2026-07-28 with the target.
 */
function asInitializeResult(
  discover: Params,
  initializeParams: Params | undefined,
  targetName: string,
): Params {
  const requested = initializeParams?.protocolVersion;
  const serverInfo = (discover._meta as Params | undefined)?.[META.serverInfo];
  return {
    protocolVersion: typeof requested === "string" ? requested : LATEST_LEGACY_VERSION,
    capabilities: discover.capabilities ?? {},
    serverInfo: serverInfo ?? { name: targetName, version: "unknown" },
    ...(typeof discover.instructions === "string" && { instructions: discover.instructions }),
  };
}

/** Whether a list of protocol versions names a 2025 one (versions are dates, ISO-formatted). */
function speaksLegacy(versions: unknown[]): boolean {
  return versions.some(
    (version) =>
      typeof version === "string" && /^\d{4}-\d\d-\d\d$/.test(version) && version < MODERN_VERSION,
  );
}

/** A modern target that speaks only versions newer than the gateway's. */
function unspoken(response: RpcMessage, versions: unknown[], targetName: string): Verdict {
  const named = boundText(versions.map(String).join(", "), VERSIONS_SHOWN_MAX);
  const message = `target "${targetName}" speaks MCP ${named}; the gateway speaks ${MODERN_VERSION} and the 2025 revisions`;
  return {
    era: "modern",
    answer: {
      jsonrpc: "2.0",
      id: response.id,
      error: { code: ErrorCode.UnsupportedProtocolVersion, message },
    },
  };
}

/**
 * Targets known to speak 2025, by what identifies them (command line and environment, or
 * URL): the era is a property of the server, so the next session skips the probe, which costs
 * a silent 2025 server a timeout. Bounded: the oldest is forgotten first.
 */
const knownLegacy = new Set<string>();
const KNOWN_LEGACY_MAX = 256;

function identity(target: TargetSpec): string {
  return target.kind === "stdio"
    ? JSON.stringify([target.cmd, target.args, target.env, target.clearEnv])
    : target.url;
}

export function isKnownLegacy(target: TargetSpec): boolean {
  return knownLegacy.has(identity(target));
}

/** Remembers which era a target turned out to speak. */
export function rememberEra(target: TargetSpec, era: Era): void {
  const key = identity(target);
  knownLegacy.delete(key);
  if (era === "modern") return;
  knownLegacy.add(key);
  if (knownLegacy.size > KNOWN_LEGACY_MAX) {
    knownLegacy.delete(knownLegacy.values().next().value as string);
  }
}
