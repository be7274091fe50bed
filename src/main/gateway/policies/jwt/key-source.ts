import type { VerificationKey } from "./verification-key";

/** `jwtAuth.jwks` as agentgateway takes it: inline JSON, a file, or a URL. */
export type JwksSpec = string | { file: string } | { url: string };

export interface KeySourceOptions {
  /** A `file` is relative to the working directory, as in agentgateway, not to the config file. */
  cwd: string;
  /** Told of refreshes and failures, in words, for the log. */
  onNotice(level: "info" | "warn" | "error", message: string): void;
  /** For URL sources; 5000 when unset. */
  fetchTimeoutMs?: number;
}

export interface KeySource {
  /**
   * The key for a kid, or undefined; for URL sources an unknown kid triggers one refetch
   * (rate-limited) before answering.
   */
  find(kid: string): Promise<VerificationKey | undefined>;
  /**
   * Changes whenever the key set changes (file edited, URL refetched with different keys):
   * verified-token caches key on it.
   */
  readonly version: number;
  /**
   * Why no keys are available right now (URL never fetched successfully), for the 401 reason;
   * undefined when keys are loaded.
   */
  readonly unavailable: string | undefined;
  close(): Promise<void>;
}
