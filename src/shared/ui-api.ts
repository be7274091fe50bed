/**
 * The one typed contract between the UI and the app. The renderer calls nothing else: in
 * Electron the preload bridge carries it over IPC, in a browser the admin server carries it
 * over HTTP (calls) and server-sent events (live events). Main validates every argument.
 * Nothing here ever carries private key material.
 */
import type { GatewayEvent, RequestEvent } from "../main/gateway/log-event";

/**
 * The keystore's types, which the UI shows as they are: defined with their domain and named
 * here as the UI knows them.
 */
import type {
  Identity as IdentitySummary,
  KeyAlgorithm as KeyAlgorithmName,
  KeyInfo as KeySummary,
} from "../main/keystore/keystore-types";

export type { IdentitySummary, KeyAlgorithmName, KeySummary };

// ---- gateway status ------------------------------------------------------------------------

export type TargetState = "idle" | "starting" | "up" | "failed";

export interface TargetStatus {
  name: string;
  kind: "stdio" | "mcp" | "sse" | "openapi";
  /** The command line or URL, as the config gives it. */
  detail: string;
  /** The latest state seen in any session: `idle` until a client first connects. */
  state: TargetState;
  error?: string;
  stderrTail?: string[];
}

export interface RouteStatus {
  name: string;
  /** The endpoint a client uses, e.g. http://localhost:3000/mcp. */
  endpoint: string;
  /** Policies in force on the route, e.g. ["jwtAuth", "mcpAuthorization"]. */
  policies: string[];
  targets: TargetStatus[];
}

export interface ListenerStatus {
  name: string;
  url: string;
  routes: RouteStatus[];
}

export interface GatewayStatus {
  version: string;
  paused: boolean;
  /** The config file, or "(embedded default config)". */
  configSource: string;
  listeners: ListenerStatus[];
  sessions: number;
  /** Since the app started. */
  counts: { allowed: number; denied: number };
  /** Set while the embedded default config runs: its demo, to try before a config of one's own. */
  demo?: DemoStatus;
}

/** The embedded default's demo: identities whose tokens see different tools. */
export interface DemoStatus {
  /** Each demo identity, and what the default config lets it use, in words. */
  identities: { name: string; may: string }[];
  /** Where the demo signing key's private half is kept. */
  keyPlace: "keychain" | "file" | "memory";
  /** Set when the key is held in memory for this run only: why, in words for the user. */
  keyNotice?: string;
}

// ---- config --------------------------------------------------------------------------------

export interface ConfigProblemInfo {
  line: number;
  col: number;
  path: string;
  message: string;
}

export interface ConfigDocument {
  /** The file, or undefined for the embedded default config (which cannot be edited). */
  path?: string;
  /** The text of the config that is running now. */
  text: string;
}

export interface ConfigCheck {
  problems: ConfigProblemInfo[];
  warnings: ConfigProblemInfo[];
}

/** Applied: the file was written and the reload took it. Not applied: nothing changed. */
export type ApplyResult =
  | { applied: true; warnings: ConfigProblemInfo[] }
  | { applied: false; problems: ConfigProblemInfo[]; message: string };

// ---- keystore, identities, tokens ----------------------------------------------------------

export interface MintedToken {
  token: string;
  kid: string;
  claims: Record<string, unknown>;
  expiresAt: string;
}

export interface RouteVerdict {
  route: string;
  accepted: boolean;
  issuer?: string;
  reason?: string;
}

export interface TokenInspection {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  malformed?: string;
  verdicts: RouteVerdict[];
}

// ---- playground, access matrix, client setup ------------------------------------------------

export interface ToolSummary {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

/** Who the playground connects as: a saved identity (a token is minted for it) or a token. */
export type Caller = { identity: string } | { token: string } | { anonymous: true };

export interface PlaygroundSession {
  id: string;
  endpoint: string;
  /** The tools this caller sees through the gateway (after mcpAuthorization). */
  tools: ToolSummary[];
}

/**
 * What the gateway would decide for a tool call with some arguments, before it is made: the
 * playground's session's caller, the route's compiled rules, the relay's CEL context.
 */
export interface CallPreview {
  allowed: boolean;
  /** In words, as the gateway's log gives it: `allowed by rule 1: ...`, `no allow rule matched`. */
  reason: string;
  /** The deciding mcpAuthorization rule, counted from 1 as in the config, when one decided. */
  rule?: number;
}

export interface ToolCallOutcome {
  ok: boolean;
  /** The tool's result content when it ran. */
  content?: unknown[];
  /** Why it failed or was refused, as the gateway answered. */
  error?: string;
}

export interface AccessCell {
  allowed: boolean;
  /** The deciding rule, or why it was denied. */
  reason: string;
}

export interface AccessMatrix {
  route: string;
  identities: string[];
  /** Every tool of every target, unfiltered, as `target/name`. */
  tools: { target: string; name: string; exposed: string }[];
  /** cells[identity][tool], in the order of `identities` and `tools`. */
  cells: AccessCell[][];
}

export interface ClientSnippet {
  client: "Claude Desktop" | "Cursor" | "VS Code" | "MCP Inspector";
  /** Where it goes, e.g. `~/.cursor/mcp.json`. */
  where: string;
  text: string;
}

export interface ClientSetup {
  endpoint: string;
  token?: string;
  expiresAt?: string;
  snippets: ClientSnippet[];
}

/** The MCP clients whose own config files Gatehouse can set up. */
export const MCP_CLIENT_IDS = [
  "claude-desktop",
  "claude-code",
  "cursor",
  "vscode",
  "windsurf",
] as const;
export type McpClientId = (typeof MCP_CLIENT_IDS)[number];

export interface ClientInstallOptions {
  /** An absolute project folder, for the client's project file; null for its user-wide file. */
  project: string | null;
  /** Only say what the file would be: nothing is written. */
  dryRun: boolean;
}

export interface ClientInstallResult {
  client: McpClientId;
  /** The client's name, e.g. `Claude Desktop`. */
  name: string;
  file: string;
  /** The whole file as written, or as it would be. */
  text: string;
  written: boolean;
  /** Where the previous file was kept, when there was one. */
  backup?: string;
  /** When the token in the entry expires, if it has one. */
  expiresAt?: string;
  warnings: string[];
}

/** What a token in a client's file gets from the gateway's config. */
export interface TokenCheck {
  /** unchecked: no route of the config asks for a token. */
  verdict: "accepted" | "refused" | "unchecked";
  reason?: string;
  subject?: string;
  expiresAt?: string;
}

/** One client's file: whether Gatehouse's entry is there, where it points, and its token. */
export interface ClientInstallation {
  client: McpClientId;
  name: string;
  file: string;
  installed: boolean;
  url?: string;
  token?: TokenCheck;
  /** Why the file could not be read (not JSON, too large), naming where. */
  problem?: string;
}

// ---- pinned tool definitions ----------------------------------------------------------------

/** A tool whose definition changed since it was pinned: hidden until a person decides. */
export interface PendingToolChange {
  tool: string;
  pinnedAt: string;
  /** When the changed definition was first seen. */
  seenAt: string;
  /** Both definitions as kept (JSON, keys sorted, cut beyond 8 KiB). */
  pinned: string;
  changed: string;
  /** A unified diff from the pinned definition to the changed one. */
  diff: string;
}

/** The pinned tools of one target (by its identity: its command line or URL). */
export interface ToolPinsOfTarget {
  /** The target's name and route as last seen: what `approve` and `reset` take. */
  target: string;
  route: string;
  identity: string;
  /** How many tools are pinned. */
  tools: number;
  pending: PendingToolChange[];
}

// ---- Kubernetes ----------------------------------------------------------------------------

/** What one import may carry: each file is read whole, so both are bounded before they are. */
export const KUBERNETES_IMPORT_LIMITS = { files: 10, megabytesPerFile: 1 } as const;

export interface KubernetesFile {
  /** The file's name, as the notes point into it. */
  name: string;
  text: string;
}

/** What a translation could not carry over (a TODO), or wants the reader to know. */
export interface KubernetesNote {
  todo: boolean;
  message: string;
  /** Where in the input it comes from: `file:line:col` and the key path. */
  where: string;
}

export interface KubernetesImportResult {
  /** The local config YAML, with a `# TODO` comment at each place a TODO note is about. */
  config: string;
  notes: KubernetesNote[];
}

export interface KubernetesExportResult {
  /** Multi-document YAML for `kubectl apply -f`, with `# TODO` comments. */
  yaml: string;
  notes: KubernetesNote[];
}

// ---- events --------------------------------------------------------------------------------

/**
 * A request as the live log shows it: with an id, whether a policy refused it, and the line of
 * the config (as it was when the entry was made) where the rule that refused it is written.
 */
export type LogEntry = RequestEvent & { id: number; denied: boolean; ruleLine?: number };

export type UiEvent =
  | { type: "request"; entry: LogEntry }
  | { type: "notice"; event: Extract<GatewayEvent, { kind: "notice" }> }
  | { type: "status"; status: GatewayStatus }
  /** An identity was saved or removed: lists of identities (the tray's tokens) are stale. */
  | { type: "identities-changed" }
  /** A tool was pinned, changed, approved or rejected: the list of tool pins is stale. */
  | { type: "tool-pins-changed" };

// ---- the API -------------------------------------------------------------------------------

export interface UiApi {
  status(): Promise<GatewayStatus>;
  setPaused(paused: boolean): Promise<GatewayStatus>;

  readConfig(): Promise<ConfigDocument>;
  /** Validates text as the gateway would load it (schema, CEL, key sources), without applying. */
  checkConfig(text: string): Promise<ConfigCheck>;
  /** Validates, then writes the file as given (comments kept) and waits for the reload. */
  applyConfig(text: string): Promise<ApplyResult>;

  listKeys(): Promise<KeySummary[]>;
  createKey(
    alg: KeyAlgorithmName,
    bits: 2048 | 3072 | null,
    label: string | null,
  ): Promise<KeySummary>;
  importKey(material: string, label: string | null): Promise<KeySummary[]>;
  /** The public JWKS as JSON text. */
  exportJwks(): Promise<string>;
  retireKey(kid: string): Promise<KeySummary>;
  deleteKey(kid: string): Promise<void>;

  listIdentities(): Promise<IdentitySummary[]>;
  saveIdentity(identity: IdentitySummary): Promise<IdentitySummary>;
  removeIdentity(name: string): Promise<void>;

  /** ttl like "1h", "15m", "7d". */
  mintToken(
    identity: string | null,
    claims: Record<string, unknown> | null,
    ttl: string,
  ): Promise<MintedToken>;
  inspectToken(token: string): Promise<TokenInspection>;

  /** The newest log entries first, at most `limit` (the live log's first page). */
  recentRequests(limit: number): Promise<LogEntry[]>;

  connectPlayground(caller: Caller): Promise<PlaygroundSession>;
  callTool(
    sessionId: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolCallOutcome>;
  /** Whether calling the tool with these arguments would be allowed, and by which rule. */
  previewToolCall(
    sessionId: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<CallPreview>;
  disconnectPlayground(sessionId: string): Promise<void>;

  accessMatrix(): Promise<AccessMatrix[]>;
  clientSetup(identity: string | null): Promise<ClientSetup>;
  /** Writes the gateway's entry, with a fresh token for `identity` if given, into a client's file. */
  installClient(
    client: McpClientId,
    identity: string | null,
    options: ClientInstallOptions,
  ): Promise<ClientInstallResult>;
  /** Every client's file (its project file when a project is given) and what it holds of ours. */
  clientInstallations(project: string | null): Promise<ClientInstallation[]>;

  /** Every target's pinned tools, with the changes that await a decision. */
  listToolPins(): Promise<ToolPinsOfTarget[]>;
  /** `target` is a target's name, or route/name. The changed definition becomes the pin. */
  approveToolChange(target: string, tool: string): Promise<ToolPinsOfTarget[]>;
  /** The old pin stays, and the tool stays hidden while it differs. */
  rejectToolChange(target: string, tool: string): Promise<ToolPinsOfTarget[]>;
  /** Forgets a target's pins: its tools are pinned anew when next listed. */
  resetToolPins(target: string): Promise<ToolPinsOfTarget[]>;

  /** Resource files as a local config to review and apply; nothing is written. */
  importKubernetes(files: KubernetesFile[], port: number | null): Promise<KubernetesImportResult>;
  /** The config the gateway serves, as agentgateway Kubernetes resources. */
  exportKubernetes(
    namespace: string | null,
    gateway: string | null,
  ): Promise<KubernetesExportResult>;
}

export type UiMethod = keyof UiApi;

/** Every method, in one list, so the IPC and HTTP adapters and their validation stay complete. */
export const UI_METHODS = [
  "status",
  "setPaused",
  "readConfig",
  "checkConfig",
  "applyConfig",
  "listKeys",
  "createKey",
  "importKey",
  "exportJwks",
  "retireKey",
  "deleteKey",
  "listIdentities",
  "saveIdentity",
  "removeIdentity",
  "mintToken",
  "inspectToken",
  "recentRequests",
  "connectPlayground",
  "callTool",
  "previewToolCall",
  "disconnectPlayground",
  "accessMatrix",
  "clientSetup",
  "installClient",
  "clientInstallations",
  "listToolPins",
  "approveToolChange",
  "rejectToolChange",
  "resetToolPins",
  "importKubernetes",
  "exportKubernetes",
] as const satisfies readonly UiMethod[];

/** The renderer's view: the calls, plus a live event stream. */
export interface UiClient extends UiApi {
  subscribe(listener: (event: UiEvent) => void): () => void;
}
