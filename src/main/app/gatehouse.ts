import type { LoadedConfig } from "../config/load";
import type { LogBus } from "../gateway/log-bus";
import { killProcessGroup } from "../gateway/relay/stdio-transport";
import { dataDir as defaultDataDir } from "../keystore/data-dir";
import { jwksPath } from "../keystore/key-files";
import type { UiApi, UiEvent } from "../../shared/ui-api";
import { createDispatcher, type Dispatch } from "./api/dispatch";
import { UiBackend } from "./api/ui-backend";
import { resolveConfigPath } from "./initial-config";
import { LocalIssuer } from "./local-issuer";
import { GatehouseService, loadServedConfig } from "./service";

export interface GatehouseOptions {
  /** The config file; unset: the one `gatehouse init` wrote, else the embedded default. */
  configPath?: string;
  /** Environment for the config's `$VAR`s, the data folder and the keychain. */
  env?: NodeJS.ProcessEnv;
  /** Where the config's relative paths resolve; default the working directory. */
  cwd?: string;
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
  const service = new GatehouseService({ configPath, env, cwd: options.cwd });
  const backend = new UiBackend({ service, issuer: () => LocalIssuer.open(env), dataDir });
  // No orphans: if the process exits without a clean stop, the stdio targets go with it, and
  // so does whatever they started (each leads its process group).
  const endChildren = () => {
    for (const pid of service.gateway.targetPids()) killProcessGroup(pid, "SIGTERM");
  };
  return {
    api: backend,
    dispatch: createDispatcher(backend),
    subscribe: (listener) => backend.subscribe(listener),
    bus: service.bus,
    source: configPath ?? "the embedded default config",
    dataDir,
    jwksPath: jwksPath(dataDir),
    urls: () => service.gateway.urls,
    loadConfig: () => loadServedConfig(configPath, env),
    async start() {
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
}
