import { LOG_LEVELS, META, MODERN_VERSION } from "./modern-envelope";

type Params = Record<string, unknown>;

/**
 * The `_meta` fields every request to a 2026-07-28 target carries, for a client that said who it
 * is once, in its initialize: the version, its capabilities and its identity, and the log level
 * it set with `logging/setLevel`, a method such a target does not have. What the client put in
 * a request's `_meta` itself stays and wins, so a modern client's request travels as it came.
 */
export class OutgoingEnvelope {
  /** Shared by every request until the level changes: nothing downstream edits a `_meta`. */
  private fields: Params;

  constructor(initializeParams: Params | undefined) {
    const clientInfo = initializeParams?.clientInfo;
    this.fields = {
      [META.protocolVersion]: MODERN_VERSION,
      [META.clientCapabilities]: initializeParams?.capabilities ?? {},
      ...(clientInfo !== undefined && { [META.clientInfo]: clientInfo }),
    };
  }

  /** Sets the level later requests ask the target to log at; false for a level MCP lacks. */
  setLogLevel(level: unknown): boolean {
    if (!LOG_LEVELS.includes(level as string)) return false;
    this.fields = { ...this.fields, [META.logLevel]: level };
    return true;
  }

  /**
   * `params` with the fields in its `_meta`. A copy: one request's params may go to several
   * targets, and a 2025 target must not see them.
   */
  stamp(params: Params | undefined): Params {
    const own = params?._meta as Params | undefined;
    return { ...params, _meta: own ? { ...this.fields, ...own } : this.fields };
  }
}
