/**
 * An OpenAPI document as the gateway serves it: read and checked once, when the config
 * compiles, then shared by every session of the target.
 */

/** Where a parameter goes in the HTTP request; also the argument that holds it. */
export type ParameterLocation = "path" | "query" | "header";

export const PARAMETER_LOCATIONS: readonly ParameterLocation[] = ["path", "query", "header"];

/** One operation of the document: one tool, and how a call to it becomes an HTTP request. */
export interface Operation {
  /** The tool's name: the operation's `operationId`. */
  readonly name: string;
  readonly method: string;
  /**
   * The path, with the base path of the document's `servers` before it, split at its
   * `{parameters}`: literal text at even indexes, parameter names at odd ones.
   */
  readonly pathParts: readonly string[];
  /** The parameter names a call may give, by location (headers as the document spells them). */
  readonly parameters: Readonly<Record<ParameterLocation, ReadonlySet<string>>>;
  /** How the `body` argument is sent; absent when the operation takes no body. */
  readonly body?: RequestBody;
}

export interface RequestBody {
  /** The Content-Type it is sent with. */
  readonly mediaType: string;
  /** `json`: the argument as JSON; `base64`: the argument is a base64 string, sent decoded. */
  readonly encoding: "json" | "base64";
}

/** A tool as `tools/list` answers it. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, unknown>; required: string[] };
}

export interface OpenApi {
  /** How the target introduces itself in its answer to `initialize`: the document's `info`. */
  readonly serverInfo: { name: string; version: string };
  /** One per operation, in the document's order. */
  readonly tools: readonly ToolDefinition[];
  readonly operations: ReadonlyMap<string, Operation>;
}
