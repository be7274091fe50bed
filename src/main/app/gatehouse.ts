import type { LoadedConfig } from "../config/load";
import type { LogBus } from "../gateway/log-bus";
import { killProcessGroup } from "../gateway/relay/stdio-transport";
import { dataDir as defaultDataDir } from "../keystore/data-dir";
import { jwksPath } from "../keystore/key-files";
import type { UiApi, UiEvent } from "../../shared/ui-api";
import { createDispatcher, type Dispatch } from "./api/dispatch";
import { UiBackend } from "./api/ui-backend";
import { DEMO_JWKS_VARIABLE, prepareFirstRunDemo, type FirstRunDemo } from "./first-run-demo";
import { resolveConfigPath } from "./initial-config";
import { LocalIssuer } from "./local-issuer";
import { GatehouseService, loadServedConfig } from "./service";
import { pinsPath } from "./tool-pins/pins-file";

export interface GatehouseOptions {
  /** The config file; unset: the one `gatehouse init` wrote, else the embedded default. */
  configPath?: string;
  /** Environment for the config's `$VAR`s, the data folder and the keychain. */
  env?: NodeJS.ProcessEnv;
  /** Where the config's relative paths resolve; default the working directory. */
  cwd?: string;
  /** How long a target has to answer `initialize` (a slow machine's tests give it more). */
  initializeTimeoutMs?: number;
}

/**
 * Gatehouse, put together: the gateway serving its config, the keystore and identities as its
 * issuer, and the UI API over both. Every front end (the headless CLI, the desktop shell, the
 * tests) starts one of these and adapts it; none wires the parts itself.
 */
export interface Gatehouse {
  /** The UI API, for a front end in this process (the tray). */
  readonly api: UiApi;
  /** The same API behind the one validating door, for front ends that carry untrusted calls. */
  readonly dispatch: Dispatch;
  subscribe(listener: (event: UiEvent) => void): () => void;
  /** The gateway's log, from the moment it is made: subscribe before `start` to hear it all. */
  readonly bus: LogBus;
  /** What it serves, in words: the config file, or the embedded default. */
  readonly source: string;
  /** Where keys, identities and the denial log are kept. */
  readonly dataDir: string;
  /** The keystore's public keys, which the admin server publishes. */
  readonly jwksPath: string;
  /** The listeners' base URLs, once started. */
  urls(): readonly string[];
  /** The embedded default's demo, once started with it; undefined with a config of one's own. */
  demo(): FirstRunDemo | undefined;
  /** The config it serves once started, loaded now without serving; throws ConfigError. */
  loadConfig(): Promise<LoadedConfig>;
  /** Loads the config and serves it; throws ConfigError, or the listen error. */
  start(): Promise<void>;
  /** Stops serving and ends every process the gateway started. */
  stop(): Promise<void>;
}

export function createGatehouse(options: GatehouseOptions = {}): Gatehouse {
  const env = options.env ?? process.env;
  const dataDir = defaultDataDir(env);
  const configPath = resolveConfigPath(options.configPath, dataDir);
  // The config's own environment: the embedded default reads the demo key's JWKS from it.
  const configEnv: NodeJS.ProcessEnv = { ...env };
  const service = new GatehouseService({
    configPath,
    env: configEnv,
    cwd: options.cwd,
    initializeTimeoutMs: options.initializeTimeoutMs,
    toolPinsPath: pinsPath(dataDir),
  });
  let demo: Promise<FirstRunDemo> | undefined;
  let prepared: FirstRunDemo | undefined;
  /** Only the embedded default has a demo, and only what serves or loads it prepares it. */
  const prepareDemo = async () => {
    if (configPath !== undefined) return;
    demo ??= prepareFirstRunDemo(env, dataDir);
    prepared = await demo;
    configEnv[DEMO_JWKS_VARIABLE] = prepared.key.jwks();
  };
  const backend = new UiBackend({
    service,
    // Opened after start: tokens for the demo config are signed by its demo key.
    issuer: () => LocalIssuer.open(env, prepared?.key),
    dataDir,
    demo: () => prepared?.status,
    // Commands that serve nothing (`gatehouse clients`) still see the config a start would serve.
    loadConfig: () => gatehouse.loadConfig(),
  });
  // No orphans: if the process exits without a clean stop, the stdio targets go with it, and
  // so does whatever they started (each leads its process group).
  const endChildren = () => {
    for (const pid of service.gateway.targetPids()) killProcessGroup(pid, "SIGTERM");
  };
  const gatehouse: Gatehouse = {
    api: backend,
    dispatch: createDispatcher(backend),
    subscribe: (listener) => backend.subscribe(listener),
    bus: service.bus,
    source: configPath ?? "the embedded default config",
    dataDir,
    jwksPath: jwksPath(dataDir),
    urls: () => service.gateway.urls,
    demo: () => prepared,
    async loadConfig() {
      await prepareDemo();
      return loadServedConfig(configPath, configEnv);
    },
    async start() {
      await prepareDemo();
      if (prepared?.warning) service.bus.notice("warn", prepared.warning);
      process.on("exit", endChildren);
      await service.start();
      await backend.start();
    },
    async stop() {
      await backend.close();
      await service.stop();
      process.off("exit", endChildren);
    },
  };
  return gatehouse;
}
