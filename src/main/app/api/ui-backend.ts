import type { GatewayEvent, RequestEvent } from "../../gateway/log-event";
import type {
  AccessMatrix,
  CallPreview,
  ApplyResult,
  Caller,
  ClientInstallation,
  ClientInstallOptions,
  ClientInstallResult,
  ClientSetup,
  ConfigCheck,
  ConfigDocument,
  ConfigProblemInfo,
  DemoStatus,
  GatewayStatus,
  IdentitySummary,
  KeyAlgorithmName,
  KubernetesExportResult,
  KubernetesFile,
  KubernetesImportResult,
  KeySummary,
  LogEntry,
  McpClientId,
  MintedToken,
  PlaygroundSession,
  TokenInspection,
  ToolCallOutcome,
  ToolPinsOfTarget,
  UiApi,
  UiEvent,
} from "../../../shared/ui-api";
import type { LoadedConfig } from "../../config/load";
import { ConfigError, type ConfigProblem } from "../../config/problems";
import type { Runtime } from "../../gateway/runtime";
import type { Identity } from "../../keystore/identities";
import { KeystoreError } from "../../keystore/keystore-error";
import { inspectToken } from "../inspect-token";
import type { LocalIssuer } from "../local-issuer";
import { withCompiledConfig, type GatehouseService } from "../service";
import { accessMatrix } from "../access-matrix";
import { clientSetup } from "../client-setup";
import { clientInstallations, installClient, tokenCheck } from "../clients/client-installer";
import type { ClientPlace } from "../clients/mcp-clients";
import { DenialFile } from "../denial-log";
import { firstRoute, routeEndpoint } from "../endpoints";
import { exportServedConfig, importKubernetesFiles } from "../kubernetes-bridge";
import { Playground } from "../playground";
import { RequestLog } from "../request-log";
import { gatewayStatus } from "../gateway-status";
import { TargetStates } from "../target-states";
import type { ToolPinStore } from "../tool-pins/tool-pin-store";

export interface UiBackendOptions {
  service: GatehouseService;
  /** Opened on first use: a locked keychain must not keep the gateway's status from showing. */
  issuer: () => Promise<LocalIssuer>;
  /** Where the denial log is kept across runs. */
  dataDir: string;
  /**
   * The config a start would serve, for calls made while nothing is served (the CLI's
   * `clients` commands); without it they need the gateway running.
   */
  loadConfig?: () => Promise<LoadedConfig>;
  /** Where MCP clients' own config files are looked for; default this machine and process. */
  clientPlace?: ClientPlace;
  /** The embedded default's demo, while it runs. */
  demo?: () => DemoStatus | undefined;
}

/** Tokens the playground mints live briefly; those for a client's settings last a workday. */
const PLAYGROUND_TTL = "15m";
const CLIENT_SETUP_TTL = "8h";

/**
 * The UI API over the service: what the window (over IPC) and the web UI (over HTTP) call. It
 * keeps what the gateway reports (the live log, denials, target states) and answers from it;
 * every decision it shows is made by the gateway's own compiled policies.
 */
export class UiBackend implements UiApi {
  private readonly log = new RequestLog();
  private readonly targets = new TargetStates();
  private readonly denials: DenialFile;
  private readonly playground = new Playground();
  private readonly counts = { allowed: 0, denied: 0 };
  private readonly listeners = new Set<(event: UiEvent) => void>();
  private unsubscribe: (() => void) | undefined;
  private unsubscribePins: (() => void) | undefined;
  private opened: Promise<LocalIssuer> | undefined;
  /** The config the last status event showed; a reload replaces it. */
  private shownConfig: LoadedConfig | undefined;

  constructor(private readonly options: UiBackendOptions) {
    this.denials = new DenialFile(options.dataDir);
  }

  private get service(): GatehouseService {
    return this.options.service;
  }

  /** Loads the denials of earlier runs, then follows the gateway's events. */
  async start(): Promise<void> {
    try {
      for (const event of await this.denials.load()) this.log.add(event, this.ruleLine(event));
    } catch (error) {
      const reason = (error as Error).message;
      this.service.bus.notice("warn", `earlier denials are not shown: ${reason}`);
    }
    this.shownConfig = this.service.config;
    this.unsubscribe = this.service.bus.subscribe((event) => this.observe(event));
    this.unsubscribePins = this.service.toolPins?.onChange(() =>
      this.publish({ type: "tool-pins-changed" }),
    );
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribePins?.();
    await this.playground.closeAll();
    await this.denials.flushed();
  }

  /** Live events for the window: requests, notices, the status whenever it changes, and identity edits. */
  subscribe(listener: (event: UiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  // ---- status --------------------------------------------------------------------------

  async status(): Promise<GatewayStatus> {
    return gatewayStatus(this.service, this.targets, this.counts, this.options.demo?.());
  }

  async setPaused(paused: boolean): Promise<GatewayStatus> {
    this.service.gateway.paused = paused;
    this.service.bus.notice("info", paused ? "Gatehouse is paused" : "Gatehouse serves again");
    this.publishStatus();
    return this.status();
  }

  // ---- config --------------------------------------------------------------------------

  async readConfig(): Promise<ConfigDocument> {
    return { path: this.service.configPath, text: this.service.config?.text ?? "" };
  }

  async checkConfig(text: string): Promise<ConfigCheck> {
    try {
      const warnings = await this.service.checkConfigText(text);
      return { problems: [], warnings: warnings.map(problemInfo) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return { problems: error.problems.map(problemInfo), warnings: [] };
    }
  }

  async applyConfig(text: string): Promise<ApplyResult> {
    try {
      const warnings = await this.service.applyConfigText(text);
      this.publishStatus();
      return { applied: true, warnings: warnings.map(problemInfo) };
    } catch (error) {
      if (error instanceof ConfigError) {
        const problems = error.problems.map(problemInfo);
        return { applied: false, problems, message: "the config has problems: nothing changed" };
      }
      return { applied: false, problems: [], message: (error as Error).message };
    }
  }

  // ---- keys, identities, tokens --------------------------------------------------------

  async listKeys(): Promise<KeySummary[]> {
    return (await this.issuer()).keystore.list();
  }

  async createKey(
    alg: KeyAlgorithmName,
    bits: 2048 | 3072 | null,
    label: string | null,
  ): Promise<KeySummary> {
    const { keystore } = await this.issuer();
    return keystore.create({ alg, bits: bits ?? undefined, label: label ?? undefined });
  }

  async importKey(material: string, label: string | null): Promise<KeySummary[]> {
    return (await this.issuer()).keystore.import(material, { label: label ?? undefined });
  }

  async exportJwks(): Promise<string> {
    return JSON.stringify((await this.issuer()).keystore.exportJwks(), null, 2);
  }

  async retireKey(kid: string): Promise<KeySummary> {
    return (await this.issuer()).keystore.retire(kid);
  }

  async deleteKey(kid: string): Promise<void> {
    await (await this.issuer()).keystore.delete(kid);
  }

  async listIdentities(): Promise<IdentitySummary[]> {
    return (await this.issuer()).identities.list();
  }

  async saveIdentity(identity: IdentitySummary): Promise<IdentitySummary> {
    const { identities } = await this.issuer();
    await identities.save(identity);
    this.publish({ type: "identities-changed" });
    return identities.get(identity.name) as Identity; // just saved
  }

  async removeIdentity(name: string): Promise<void> {
    if (!(await (await this.issuer()).identities.remove(name))) {
      throw new KeystoreError(`no identity "${name}"`);
    }
    this.publish({ type: "identities-changed" });
  }

  async mintToken(
    identity: string | null,
    claims: Record<string, unknown> | null,
    ttl: string,
  ): Promise<MintedToken> {
    const issuer = await this.issuer();
    const minted = await issuer.mint(
      { identity: identity ?? undefined, claims: claims ?? undefined, ttl },
      this.service.config?.gateway,
    );
    return {
      token: minted.token,
      kid: minted.kid,
      claims: minted.claims as Record<string, unknown>,
      expiresAt: minted.expiresAt.toISOString(),
    };
  }

  async inspectToken(token: string): Promise<TokenInspection> {
    return inspectToken(token, this.service.gateway.currentRuntime);
  }

  // ---- live log ------------------------------------------------------------------------

  async recentRequests(limit: number): Promise<LogEntry[]> {
    return this.log.recent(limit);
  }

  // ---- playground, access matrix, client setup -----------------------------------------

  async connectPlayground(caller: Caller): Promise<PlaygroundSession> {
    const endpoint = this.endpoint(false);
    const token =
      "identity" in caller
        ? (await this.mintToken(caller.identity, null, PLAYGROUND_TTL)).token
        : "token" in caller
          ? caller.token
          : undefined;
    return this.playground.connect(endpoint, token, this.service.gateway.currentRuntime);
  }

  callTool(
    sessionId: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolCallOutcome> {
    return this.playground.callTool(sessionId, name, args);
  }

  previewToolCall(
    sessionId: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<CallPreview> {
    const { gateway } = this.service;
    return this.playground.previewCall(sessionId, name, args, gateway.currentRuntime, (route) =>
      gateway.listTools(route),
    );
  }

  disconnectPlayground(sessionId: string): Promise<void> {
    return this.playground.disconnect(sessionId);
  }

  async accessMatrix(): Promise<AccessMatrix[]> {
    const { gateway, config } = this.service;
    const runtime = gateway.currentRuntime;
    if (!runtime) throw new Error("the gateway is not running");
    const issuer = await this.issuer();
    const identities = issuer.identities.list();
    // The claims a token minted for the identity carries, so iss and aud rules count too.
    const claimsOf = (identity: Identity) => {
      const { issuer: iss, audience: aud } = issuer.defaults(config?.gateway, identity);
      return { ...identity.claims, iss, ...(aud !== undefined && { aud }) };
    };
    const routes = runtime.listeners.flatMap((listener) =>
      listener.routes.map((route) => ({ listener, route })),
    );
    return Promise.all(
      routes.map(async ({ listener, route }) => {
        const tools = await gateway.listTools(route).catch((error: unknown) => {
          const reason = (error as Error).message;
          throw new Error(`cannot list the tools of route ${route.name}: ${reason}`);
        });
        return accessMatrix(listener, route, tools, identities, claimsOf);
      }),
    );
  }

  async clientSetup(identity: string | null): Promise<ClientSetup> {
    const endpoint = this.endpoint(true);
    if (identity === null) return clientSetup(endpoint);
    return clientSetup(endpoint, await this.mintToken(identity, null, CLIENT_SETUP_TTL));
  }

  async installClient(
    client: McpClientId,
    identity: string | null,
    options: ClientInstallOptions,
  ): Promise<ClientInstallResult> {
    const config = await this.currentConfig();
    const endpoint = this.endpoint(true, config);
    const minted =
      identity === null
        ? undefined
        : await (await this.issuer()).mint({ identity, ttl: CLIENT_SETUP_TTL }, config.gateway);
    return installClient({
      client,
      place: this.clientPlace,
      project: options.project,
      dryRun: options.dryRun,
      endpoint,
      ...(minted && { minted: { token: minted.token, expiresAt: minted.expiresAt.toISOString() } }),
    });
  }

  async clientInstallations(project: string | null): Promise<ClientInstallation[]> {
    // Each token is verified as the gateway would verify it: by its own compiled policies.
    return this.withRuntime((runtime) =>
      clientInstallations(this.clientPlace, project, async (token) =>
        tokenCheck(await inspectToken(token, runtime)),
      ),
    );
  }

  // ---- pinned tool definitions --------------------------------------------------------

  async listToolPins(): Promise<ToolPinsOfTarget[]> {
    return this.toolPins.list();
  }

  async approveToolChange(target: string, tool: string): Promise<ToolPinsOfTarget[]> {
    await this.toolPins.approve(target, tool);
    return this.toolPins.list();
  }

  async rejectToolChange(target: string, tool: string): Promise<ToolPinsOfTarget[]> {
    await this.toolPins.reject(target, tool);
    return this.toolPins.list();
  }

  async resetToolPins(target: string): Promise<ToolPinsOfTarget[]> {
    await this.toolPins.reset(target);
    return this.toolPins.list();
  }

  private get toolPins(): ToolPinStore {
    const { toolPins } = this.service;
    if (!toolPins) throw new Error("this Gatehouse pins no tool definitions (no data folder)");
    return toolPins;
  }

  // ---- Kubernetes ----------------------------------------------------------------------

  async importKubernetes(
    files: KubernetesFile[],
    port: number | null,
  ): Promise<KubernetesImportResult> {
    return importKubernetesFiles(files, port);
  }

  async exportKubernetes(
    namespace: string | null,
    gateway: string | null,
  ): Promise<KubernetesExportResult> {
    return exportServedConfig(this.service, namespace, gateway);
  }

  // ---- internals -----------------------------------------------------------------------

  private issuer(): Promise<LocalIssuer> {
    // Kept once open; a failure (a locked keychain) is tried again on the next call.
    this.opened ??= this.options.issuer().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  private get clientPlace(): ClientPlace {
    return this.options.clientPlace ?? { platform: process.platform, env: process.env };
  }

  /** The config served now; while nothing is served, the one a start would serve. */
  private async currentConfig(): Promise<LoadedConfig> {
    if (this.service.config) return this.service.config;
    if (!this.options.loadConfig) throw new Error("the gateway is not running");
    return this.options.loadConfig();
  }

  /** Runs `use` on the runtime serving now, or on one compiled from the config a start would serve. */
  private async withRuntime<T>(use: (runtime: Runtime) => Promise<T>): Promise<T> {
    const runtime = this.service.gateway.currentRuntime;
    if (runtime) return use(runtime);
    return withCompiledConfig(await this.currentConfig(), { cwd: this.service.cwd }, use);
  }

  /** The first route's endpoint: where the playground and the client settings point. */
  private endpoint(display: boolean, config = this.service.config): string {
    const first = firstRoute(config?.gateway.listeners ?? []);
    if (!first) throw new Error("the config has no route to connect to");
    return routeEndpoint(this.service.gateway, first.listener, first.route, display);
  }

  private observe(event: GatewayEvent): void {
    switch (event.kind) {
      case "request": {
        const entry = this.log.add(event, this.ruleLine(event));
        if (entry.denied) {
          this.counts.denied++;
          this.denials.append(event);
        } else if (event.status < 400) {
          this.counts.allowed++;
        }
        return this.publish({ type: "request", entry });
      }
      case "notice":
        this.publish({ type: "notice", event });
        // A reload announces itself with a notice, once the new config is in place.
        if (this.service.config !== this.shownConfig) this.publishStatus();
        return;
      case "target":
        this.targets.record(event);
        return this.publishStatus();
    }
  }

  /** The line of the served config where the rule that refused a request is written. */
  private ruleLine(event: RequestEvent): number | undefined {
    return event.rule && this.service.config?.locate(event.rule, "").line;
  }

  private publishStatus(): void {
    this.shownConfig = this.service.config;
    if (this.listeners.size === 0) return;
    this.publish({
      type: "status",
      status: gatewayStatus(this.service, this.targets, this.counts, this.options.demo?.()),
    });
  }

  private publish(event: UiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function problemInfo({ line, col, path, message }: ConfigProblem): ConfigProblemInfo {
  return { line, col, path, message };
}
