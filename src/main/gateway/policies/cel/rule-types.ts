export type RuleEffect = "allow" | "deny" | "require";

export interface RuleSpec {
  effect: RuleEffect;
  expression: string;
}

/**
 * "http": route `authorization` rules; "mcp": `mcpAuthorization` rules (also see mcp.*); "log":
 * access-log and span expressions, which run after the answer (also see `response` and the
 * call's `mcp.methodName` and `mcp.sessionId`); "authzResponse": extAuthz's `metadata`, which
 * reads the authorization service's answer as `response` (code, headers, body).
 */
export type RuleScope = "http" | "mcp" | "log" | "authzResponse";

export interface RuleProblem {
  /** The rule's position in the list, from 0. */
  index: number;
  message: string;
  /** 0-based character offset in the expression, when known */
  offset?: number;
}

/**
 * What a rule can see. Built by the gateway per request; for list filtering only `mcp` changes
 * between items.
 */
export interface CelContext {
  /** All verified claims, nested, already passed through toCelValue(); {} when no token. */
  jwt: Record<string, unknown>;
  /** Header names are lowercase; values are strings. */
  request: { method: string; path: string; host: string; headers: Record<string, string> };
  source: { address: string };
  /** The verified API key's metadata (and `key`, redacted), or null: as agentgateway's `apiKey`. */
  apiKey: Readonly<Record<string, unknown>> | null;
  /** The user a `basicAuth` policy verified, or null. */
  basicAuth: Readonly<{ username: string }> | null;
  /** What an `extAuthz` policy's `metadata` computed from its service's answer, or null. */
  extauthz: Readonly<Record<string, unknown>> | null;
  mcp?: {
    /** `arguments` at a tools/call: the call's own (toCelValue, {} when it sent none). */
    tool?: { name: string; target: string; arguments?: unknown };
    prompt?: { name: string; target: string };
    resource?: { uri: string; target: string };
  };
}

/** Decisions are shared between calls (decide() allocates none on its usual paths): read only. */
export interface Decision {
  readonly allowed: boolean;
  /**
   * For the log, in words: e.g. `allowed by rule 1: mcp.tool.name == "echo"`, `denied by rule 2:
   * ...`, `require rule 3 not met: ...`, `no allow rule matched`, `no rules`. Rules are counted
   * from 1 here, as a person counts them in the config.
   */
  readonly reason: string;
  /** The deciding rule's index (from 0, as RuleProblem.index), when one rule decided. */
  readonly ruleIndex?: number;
  /**
   * Set when a list shows a tool because a rule needs the call's arguments (`ruleIndex`): each
   * call is decided with them.
   */
  readonly callDecides?: true;
}
