/**
 * The normalized runtime config: what the gateway runs on, after YAML parsing, `$VAR`
 * expansion, validation and expansion of the `mcp:` shorthand. Both config forms end up here.
 */
import type { Attachment } from "../gateway/policies/policy";
import type { RoutePolicies } from "./schema";

/** Policies written at one attachment point, with where they are in the config file. */
export interface PolicyLayer {
  attachment: Attachment;
  /** So that a policy's errors can point at it. */
  path: (string | number)[];
  policies: RoutePolicies;
}

export type PrefixMode = "conditional" | "always" | "never";
export type FailureMode = "failClosed" | "failOpen";
export type StatefulMode = "stateful" | "stateless";

export type TargetSpec =
  | {
      kind: "stdio";
      name: string;
      cmd: string;
      args: string[];
      env: Record<string, string>;
      /** Start the process with only `env`, not the gateway's environment. */
      clearEnv: boolean;
    }
  | { kind: "mcp"; name: string; url: string; policies?: PolicyLayer }
  | { kind: "sse"; name: string; url: string; policies?: PolicyLayer };

export interface McpBackendSpec {
  targets: TargetSpec[];
  prefixMode: PrefixMode;
  failureMode: FailureMode;
  /** Whether 2025 callers get sessions, or every request stands alone. */
  statefulMode: StatefulMode;
  /** The backend's own policies; they run after the route's. */
  policies?: PolicyLayer;
}

export type PathMatch = { kind: "prefix"; value: string } | { kind: "exact"; value: string };

export interface RouteSpec {
  name: string;
  /** Where the route's policies are in the config file, so that policy errors can point there. */
  policiesPath: (string | number)[];
  /** Empty means any host. */
  hostnames: string[];
  /** Empty means any path. */
  paths: PathMatch[];
  policies: RoutePolicies;
  backend: McpBackendSpec;
}

export interface ListenerSpec {
  name: string;
  address: string;
  port: number;
  /** The policies of its gateway, then its own: they run before a route is chosen. */
  policies?: PolicyLayer[];
  routes: RouteSpec[];
}

export interface GatewayConfig {
  listeners: ListenerSpec[];
  /** Idle time after which a session and its stdio processes end (`config.mcp.sessionTtl`). */
  sessionIdleMs: number;
}
