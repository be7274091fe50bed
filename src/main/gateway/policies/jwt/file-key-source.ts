import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { CurrentKeys, reportSkipped } from "./current-keys";
import { parseKeySet, type KeySet } from "./key-set";
import type { KeySource, KeySourceOptions } from "./key-source";
import type { VerificationKey } from "./verification-key";

/** Saving usually means several file events in a row; reload once they settle. */
const SETTLE_MS = 100;

/**
 * A JWKS file, reloaded when it changes. A missing or broken file fails the open (the config
 * is wrong); a broken edit later keeps the keys that were loaded, so a half-saved file never
 * locks every client out.
 */
export async function openFileKeySource(
  file: string,
  options: KeySourceOptions,
): Promise<KeySource> {
  const path = resolve(options.cwd, file);
  const origin = `the JWKS file "${path}"`;
  const set = await readKeySet(path, origin);
  reportSkipped(set, origin, options.onNotice);
  const source = new FileKeySource(path, origin, new CurrentKeys(set, origin, options.onNotice));
  await source.startWatching(options);
  return source;
}

async function readKeySet(path: string, origin: string): Promise<KeySet> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(`${origin} cannot be read (${code ?? message})`, { cause: error });
  }
  return parseKeySet(text, origin);
}

class FileKeySource implements KeySource {
  readonly unavailable = undefined;
  private watcher: FSWatcher | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  /** Reloads run one after another, so an older read never overwrites a newer one. */
  private reloads = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly origin: string,
    private readonly keys: CurrentKeys,
  ) {}

  get version(): number {
    return this.keys.version;
  }

  find(kid: string): Promise<VerificationKey | undefined> {
    return Promise.resolve(this.keys.get(kid));
  }

  /** Resolves once the watch is in place, so an edit right after opening is not missed. */
  async startWatching({ onNotice }: KeySourceOptions): Promise<void> {
    const watcher = watch(this.path, { ignoreInitial: true });
    this.watcher = watcher;
    watcher.on("all", () => {
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => {
        this.reloads = this.reloads.then(() => this.reload(onNotice));
      }, SETTLE_MS);
    });
    watcher.on("error", (error) =>
      onNotice("warn", `${this.origin} cannot be watched for changes: ${(error as Error).message}`),
    );
    await new Promise<void>((ready) => watcher.once("ready", ready));
  }

  private async reload(onNotice: KeySourceOptions["onNotice"]): Promise<void> {
    try {
      this.keys.replace(await readKeySet(this.path, this.origin));
    } catch (error) {
      onNotice("error", `${(error as Error).message}; the keys loaded before stay in use`);
    }
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    clearTimeout(this.settleTimer);
    await this.reloads;
  }
}
