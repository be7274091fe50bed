import { fetchFailure } from "../../fetch-failure";
import { readBounded } from "../../relay/read-bounded";
import { cacheLifetimeMs } from "./cache-lifetime";
import { CurrentKeys } from "./current-keys";
import { NO_KEYS, parseKeySet } from "./key-set";
import type { KeySource, KeySourceOptions } from "./key-source";
import type { VerificationKey } from "./verification-key";

const DEFAULT_FETCH_TIMEOUT_MS = 5000;
/** The largest key set read: real ones are a few KiB. */
const MAX_JWKS_BYTES = 1024 * 1024;
/** An unknown kid refetches at most this often, so junk tokens cannot hammer the IdP. */
const REFETCH_COOLDOWN_MS = 10_000;
/** After a failed fetch, the next scheduled try; unknown kids may still try sooner. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * A JWKS served over HTTP(S). The first fetch happens here, but its failure does not fail the
 * open: the gateway must start offline, and tokens are refused with the reason meanwhile.
 */
export async function openUrlKeySource(url: string, options: KeySourceOptions): Promise<KeySource> {
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  if (protocol !== "http:" && protocol !== "https:") {
    throw new Error(`the JWKS URL "${url}" is not an http or https URL`);
  }
  const source = new UrlKeySource(url, options);
  await source.refresh();
  return source;
}

class UrlKeySource implements KeySource {
  unavailable: string | undefined = "the keys have not been fetched yet";
  private readonly origin: string;
  private readonly keys: CurrentKeys;
  private readonly closing = new AbortController();
  private lastFetchAt = -Infinity;
  private fetching: Promise<void> | undefined;
  /** Told once: an IdP that stays down for hours does not write a line every minute. */
  private lastFailure: string | undefined;
  private nextRefresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly options: KeySourceOptions,
  ) {
    this.origin = `the JWKS at ${url}`;
    this.keys = new CurrentKeys(NO_KEYS, this.origin, options.onNotice);
  }

  get version(): number {
    return this.keys.version;
  }

  async find(kid: string): Promise<VerificationKey | undefined> {
    const known = this.keys.get(kid);
    if (known || this.closing.signal.aborted) return known;
    // A fetch under way may bring the key; otherwise a new key means a rotation: look once.
    if (this.fetching || Date.now() - this.lastFetchAt >= REFETCH_COOLDOWN_MS) await this.refresh();
    return this.keys.get(kid);
  }

  /** Fetches now, or joins the fetch under way; never throws. */
  refresh(): Promise<void> {
    this.fetching ??= this.fetchOnce().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchOnce(): Promise<void> {
    this.lastFetchAt = Date.now();
    clearTimeout(this.nextRefresh);
    let nextInMs = RETRY_AFTER_FAILURE_MS;
    try {
      const { text, lifetimeMs } = await this.download();
      this.keys.replace(await parseKeySet(text, this.origin));
      if (this.lastFailure) this.options.onNotice("info", `${this.origin} can be fetched again`);
      this.unavailable = this.lastFailure = undefined;
      nextInMs = lifetimeMs;
    } catch (error) {
      if (this.closing.signal.aborted) return;
      const why = (error as Error).message;
      const repeated = why === this.lastFailure;
      this.lastFailure = why;
      if (this.keys.size > 0) {
        if (!repeated) this.options.onNotice("warn", `${why}; the keys fetched before stay in use`);
      } else {
        this.unavailable = why;
        if (!repeated) this.options.onNotice("error", why);
      }
    }
    if (this.closing.signal.aborted) return;
    // Unref'd: a pending refresh must not keep a finished process alive.
    this.nextRefresh = setTimeout(() => void this.refresh(), nextInMs).unref();
  }

  private async download(): Promise<{ text: string; lifetimeMs: number }> {
    const timeoutMs = this.options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(timeoutMs)]);
    let status: number;
    try {
      const response = await fetch(this.url, { signal, headers: { accept: "application/json" } });
      if (response.ok) {
        // A key set is a few KiB; reading it bounded keeps a hostile JWKS URL out of memory.
        const body = response.body && (await readBounded(response.body, MAX_JWKS_BYTES));
        if (body === undefined) throw new Error(`the key set is over ${MAX_JWKS_BYTES} bytes`);
        const text = body?.toString("utf8") ?? "";
        return { text, lifetimeMs: cacheLifetimeMs(response.headers.get("cache-control")) };
      }
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      throw new Error(`${this.origin} could not be fetched: ${fetchFailure(error, timeoutMs)}`, {
        cause: error,
      });
    }
    throw new Error(`${this.origin} could not be fetched: HTTP ${status}`);
  }

  async close(): Promise<void> {
    this.closing.abort();
    clearTimeout(this.nextRefresh);
    await this.fetching;
  }
}
