/** A key path into the config file, e.g. `["mcp", "policies", "jwtAuth", "jwks", "file"]`. */
export type ConfigPath = (string | number)[];

/** What compiling a policy may need and report; problems fail the load, warnings do not. */
export interface CompileContext {
  /** Relative `jwks.file` paths resolve against it (the working directory, as in agentgateway). */
  cwd: string;
  problem(path: ConfigPath, message: string): void;
  warning(path: ConfigPath, message: string): void;
  /** Later news from a compiled policy (keys reloaded, a refresh failed), for the log. */
  notice(level: "info" | "warn" | "error", message: string): void;
}
