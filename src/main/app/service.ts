import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import defaultConfigText from "../../../resources/default-config.yaml?raw";
import { version } from "../../../package.json";
import { loadConfigFile, parseConfig, type LoadedConfig } from "../config/load";
import { ConfigError, formatProblem, type ConfigProblem } from "../config/problems";
import { watchFile } from "../config/watch";
import { Gateway } from "../gateway/gateway";
import { LogBus } from "../gateway/log-bus";
import { ToolPinStore } from "./tool-pins/tool-pin-store";
import {
  CompileError,
  compileRuntime,
  type Runtime,
  type RuntimeOptions,
} from "../gateway/runtime";

export interface ServiceOptions {
  /** The config file; without it, the embedded default config runs. */
  configPath?: string;
  /** Environment for `$VAR` expansion; the default config also reads GATEHOUSE_NODE and GATEHOUSE_CLI. */
  env?: NodeJS.ProcessEnv;
  /** Where relative `jwks.file` paths resolve (the working directory, as in agentgateway). */
  cwd?: string;
  initializeTimeoutMs?: number;
  /** The pins file of tool definitions (rug-pull protection); without it, no tool is pinned. */
  toolPinsPath?: string;
}

const DEFAULT_CONFIG_NAME = "(embedded default config)";

/**
 * The one object every front end (CLI, Electron, admin API) drives: it owns the config, its
 * reloads, the gateway and the log bus. Front ends adapt it; they hold no logic of their own.
 */
export class GatehouseService {
  readonly bus = new LogBus();
  readonly version = version;
  readonly gateway: Gateway;
  /** The pinned tool definitions, when the service pins them. */
  readonly toolPins: ToolPinStore | undefined;
  private loaded: LoadedConfig | undefined;
  private stopWatching: (() => Promise<void>) | undefined;
  private reloading = Promise.resolve();

  constructor(private readonly options: ServiceOptions = {}) {
    const { toolPinsPath } = options;
    this.toolPins = toolPinsPath ? new ToolPinStore(toolPinsPath, this.bus) : undefined;
    this.gateway = new Gateway({
      bus: this.bus,
      version,
      initializeTimeoutMs: options.initializeTimeoutMs,
      toolPins: this.toolPins,
    });
  }

  get config(): LoadedConfig | undefined {
    return this.loaded;
  }

  /** The config file, or undefined when the embedded default config runs. */
  get configPath(): string | undefined {
    return this.options.configPath;
  }

  /** Where the config's relative paths (`jwks.file`) resolve; unset is the working directory. */
  get cwd(): string | undefined {
    return this.options.cwd;
  }

  /** Loads the config and starts listening; throws ConfigError or a listen error. */
  async start(): Promise<void> {
    this.loaded = await this.load();
    // Before any session lists a tool: what was pinned in earlier runs holds from the first.
    await this.toolPins?.start();
    try {
      await this.apply(this.loaded);
    } catch (error) {
      // A start that fails leaves nothing running (the pins file's watch would keep the
      // process alive after `gatehouse` has said why it cannot serve).
      await this.toolPins?.close();
      throw error;
    }
    const path = this.options.configPath;
    // A save by applyConfigText was applied already; its file event must not apply it again.
    if (path)
      this.stopWatching = watchFile(resolve(path), () => void this.reload({ ifChanged: true }));
  }

  /**
   * Applies the config file as it is now. An invalid file, or one whose ports cannot be bound,
   * changes nothing: the previous config keeps serving and the log says what is wrong, where.
   */
  reload(options: { ifChanged?: boolean } = {}): Promise<void> {
    return this.oneAtATime(() => this.reloadFile(options.ifChanged ?? false)).catch(
      () => undefined,
    );
  }

  /**
   * Validates a config text exactly as a start would (schema, then CEL rules and key sources),
   * without serving it. Throws a ConfigError located in the text; returns the warnings.
   */
  async checkConfigText(text: string): Promise<ConfigProblem[]> {
    const loaded = parseConfig(text, this.options.configPath ?? DEFAULT_CONFIG_NAME, this.env);
    return withCompiledConfig(loaded, this.options, async (runtime) => [
      ...loaded.warnings,
      ...runtime.warnings.map((w) => loaded.locate(w.path, w.message)),
    ]);
  }

  /**
   * Validates a config text, and only if it is valid writes it to the config file as given
   * (comments and all) and reloads. Throws a ConfigError when it is not valid, or the reason the
   * reload failed; either way the file is left as it was. Returns the warnings.
   */
  applyConfigText(text: string): Promise<ConfigProblem[]> {
    const path = this.options.configPath;
    if (!path) {
      const refusal =
        "the embedded default config cannot be changed: run `gatehouse init` to write a config " +
        "of your own, or start Gatehouse with -f <config file>";
      return Promise.reject(new Error(refusal));
    }
    return this.oneAtATime(async () => {
      const warnings = await this.checkConfigText(text);
      const previous = this.loaded?.text;
      await writeFile(path, text);
      try {
        await this.reloadFile(false);
      } catch (error) {
        // Valid but not servable (a port in use): the file goes back to what still serves.
        if (previous !== undefined) await writeFile(path, previous);
        throw error;
      }
      return warnings;
    });
  }

  async stop(): Promise<void> {
    await this.stopWatching?.();
    await this.gateway.close();
    await this.toolPins?.close();
  }

  /** Compiles and serves a loaded config; its problems and warnings point into the file. */
  private async apply(loaded: LoadedConfig): Promise<void> {
    const warnings = await located(loaded, () =>
      this.gateway.apply(loaded.gateway, { cwd: this.options.cwd }),
    );
    for (const warning of [...loaded.warnings, ...warnings]) {
      this.bus.notice("warn", formatProblem(warning));
    }
  }

  /** Config changes run one after another, each on the config the previous one left. */
  private oneAtATime<T>(task: () => Promise<T>): Promise<T> {
    const run = this.reloading.then(task);
    this.reloading = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Reloads the file; a failure is reported on the bus and thrown. */
  private async reloadFile(ifChanged: boolean): Promise<void> {
    try {
      const next = await this.load();
      if (ifChanged && next.text === this.loaded?.text) return;
      await this.apply(next);
      this.loaded = next;
      this.bus.notice("info", `config reloaded from ${next.file}`);
    } catch (error) {
      this.bus.notice(
        "error",
        `config not applied, the previous config keeps serving:\n${(error as Error).message}`,
      );
      throw error;
    }
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private load(): Promise<LoadedConfig> {
    return loadServedConfig(this.options.configPath, this.env);
  }
}

/** The config a gateway with this config path serves: the file, else the embedded default. */
export function loadServedConfig(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<LoadedConfig> {
  return configPath
    ? loadConfigFile(configPath, env)
    : Promise.resolve(parseConfig(defaultConfigText, DEFAULT_CONFIG_NAME, env));
}

/**
 * Runs a compile step and turns its problems and warnings, which name key paths, into ones at
 * file:line:col of the loaded file.
 */
async function located(
  loaded: LoadedConfig,
  compile: () => Promise<{ path: (string | number)[]; message: string }[]>,
): Promise<ConfigProblem[]> {
  try {
    const warnings = await compile();
    return warnings.map((w) => loaded.locate(w.path, w.message));
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new ConfigError(error.problems.map((p) => loaded.locate(p.path, p.message)));
  }
}

/**
 * Compiles a loaded config without serving it, hands the runtime to `use`, and releases it.
 * Compile problems come out as a ConfigError located in the file.
 */
export async function withCompiledConfig<T>(
  loaded: LoadedConfig,
  options: RuntimeOptions,
  use: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  let runtime: Runtime | undefined;
  await located(loaded, async () => {
    runtime = await compileRuntime(loaded.gateway, { cwd: options.cwd, notice: options.notice });
    return [];
  });
  try {
    return await use(runtime as Runtime);
  } finally {
    await runtime?.close();
  }
}

/**
 * Everything a start would check, without serving: the file, then the policies (CEL rules,
 * key files and URLs). Throws ConfigError; returns the warnings. `notice` hears what the
 * compile tells a serving gateway's log (keys a JWKS skips).
 */
export async function checkConfigFile(
  path: string,
  options: Pick<ServiceOptions, "env"> & RuntimeOptions = {},
): Promise<{ loaded: LoadedConfig; warnings: ConfigProblem[] }> {
  const loaded = await loadConfigFile(path, options.env);
  const warnings = await withCompiledConfig(loaded, options, async (runtime) => [
    ...loaded.warnings,
    ...runtime.warnings.map((w) => loaded.locate(w.path, w.message)),
  ]);
  return { loaded, warnings };
}
