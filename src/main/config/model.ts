/**
 * The normalized runtime config: what the gateway runs on, after YAML parsing, `$VAR`
 * expansion, validation, and resolution of names (routes to gateways, backends and targets to
 * named backends). Every config form (`gateways` and `routes`, `binds`, the `mcp:` shorthand)
 * ends up here.
 */
import type { Attachment } from "../gateway/policies/policy";
import type { CipherSuite } from "../gateway/tls-cipher-suites";
import type { RoutePolicies } from "./schema";

/** Policies written at one attachment point, with where they are in the config file. */
export interface PolicyLayer {
  attachment: Attachment;
  /** So that a policy's errors can point at it: the policy `key` is at `[...path, key]`... */
  path: (string | number)[];
  /**
   * ...unless it is written elsewhere: a layer may gather policies from several places (a
   * backend's own, those of the route's reference to it, `dnsRebindingProtection` on the MCP
   * backend itself).
   */
  paths?: Record<string, (string | number)[]>;
  policies: RoutePolicies;
}

export type PrefixMode = "conditional" | "always" | "never";
export type FailureMode = "failClosed" | "failOpen";
export type StatefulMode = "stateful" | "stateless";

export type TargetSpec = (
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
  | { kind: "sse"; name: string; url: string; policies?: PolicyLayer }
  | {
      kind: "openapi";
      name: string;
      /** Where the API is (scheme, host and port); paths come from the document. */
      url: string;
      policies?: PolicyLayer;
      /** The OpenAPI document, whose operations become the target's tools. */
      schema: OpenApiSchemaSource;
      /** Where `schema` is in the config file, for the document's problems. */
      schemaPath: (string | number)[];
    }
) & {
  /** `pinning: false` (Gatehouse only): the target's tool definitions are not pinned. */
  pinning?: false;
};

export type OpenApiTargetSpec = Extract<TargetSpec, { kind: "openapi" }>;

/** agentgateway's `FileInlineOrRemote`: the document's text, a file or a URL. */
export type OpenApiSchemaSource = string | { file: string } | { url: string };

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
  /**
   * Listeners may share a port (and address): a request goes to the one whose host name is its
   * own (SNI for HTTPS, else the Host header), else to the longest matching wildcard
   * (`*.example.com`), else to the one with no host name (it takes any).
   */
  hostname?: string;
  /** HTTPS, with these settings; plain HTTP when unset. */
  tls?: TlsSpec;
  /** The policies of its gateway, then its own: they run before a route is chosen. */
  policies?: PolicyLayer[];
  routes: RouteSpec[];
}

/** A listener's TLS: files as the config names them, read when the config compiles. */
export interface TlsSpec {
  /** Where `tls` is in the config file, for problems with its files. */
  path: (string | number)[];
  /** Paths as written; relative ones start at the working directory. */
  certFile: string;
  keyFile: string;
  /** CA certificates a client certificate must come from: mutual TLS when set. */
  rootFile?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  /** agentgateway's names of the cipher suites allowed, in order of preference. */
  cipherSuites?: CipherSuite[];
}

export type TlsVersion = "TLSv1.2" | "TLSv1.3";

export interface GatewayConfig {
  listeners: ListenerSpec[];
  /** Idle time after which a session and its stdio processes end (`config.mcp.sessionTtl`). */
  sessionIdleMs: number;
  /** `frontendPolicies`: for all traffic, on every listener. */
  frontendPolicies?: PolicyLayer;
}
