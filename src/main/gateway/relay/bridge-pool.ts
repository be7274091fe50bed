import type { McpBackendSpec } from "../../config/model";
import type { RouteTargets } from "../runtime";
import type { Capabilities } from "./capabilities";
import type { CallOrigin } from "./client-call";
import { IdleSweeper } from "./idle-sweeper";
import { LATEST_LEGACY_VERSION } from "./modern-envelope";
import type { RpcMessage } from "./jsonrpc";
import { RelaySession, type SessionContext } from "./session";

/** A bridge session lent to one stateless call; `release` gives it back. */
export interface BridgeLease {
  readonly session: RelaySession;
  /** The bridge's initialize answer: the targets' merged capabilities and identity. */
  readonly initialized: Record<string, unknown>;
  release(): void;
}

/**
 * Sessions one key may hold; more calls at once wait for one to be free. Each session of a
 * route with stdio targets runs their processes, so this bounds what one caller can start.
 */
const MAX_SESSIONS_PER_KEY = 8;
/** Calls that may wait for a free session of one key; beyond, a call is refused at once. */
const MAX_QUEUED_PER_KEY = 64;

/** Hands a freed session to a waiting call; `undefined` asks it to look again. */
type Waiter = (session: RelaySession | undefined) => void;

/** A `subscriptions/listen` stream, as the pool feeds and ends it. */
export interface ChangeListener {
  notify(message: RpcMessage): void;
  /** The key's sessions were retired (the route's targets changed): the stream ends. */
  end(): void;
}

interface Entry {
  idle: RelaySession[];
  /** Sessions of the key, starting, lent or idle. */
  size: number;
  queue: Waiter[];
  initialized: Record<string, unknown> | undefined;
  /** The key's `subscriptions/listen` streams, fed with every session's change notifications. */
  listeners: Set<ChangeListener>;
  /** The route and its targets as the key's sessions were made: a reload may change them. */
  routeKey: string;
  backend: string;
  /** Replaced after a reload changed the targets: its sessions close once they are free. */
  retired: boolean;
}

/**
 * The sessions the gateway holds toward the targets for stateless (2026-07-28) callers. They
 * are keyed by listener, route, principal and the capabilities that let a target ask the caller
 * something, created on demand, lent to one call at a time (so that a target's request to the
 * client, on stdio too, belongs to that call without doubt), reused, and closed once idle.
 */
export class BridgePool {
  private readonly entries = new Map<string, Entry>();
  private readonly lastUsed = new Map<RelaySession, number>();
  /** Every session, closing ones too, until its targets have stopped. */
  private readonly sessions = new Set<RelaySession>();
  /** Its timeout follows `config.mcp.sessionTtl`, as the store of 2025 sessions does. */
  readonly idle: IdleSweeper;
  private closed = false;

  constructor(
    private readonly context: SessionContext,
    idleTimeoutMs: number,
  ) {
    this.idle = new IdleSweeper(idleTimeoutMs, () => this.closeIdle());
  }

  /** An idle session of `key`, lent at once; `undefined` when none is idle. */
  leaseIdle(key: string): BridgeLease | undefined {
    const entry = this.closed ? undefined : this.entries.get(key);
    const idle = entry?.idle.pop();
    return entry && idle ? this.lend(entry, idle) : undefined;
  }

  /**
   * A session of `key` for one call: an idle one, a new one, or the next one freed. A new
   * session initializes the route's targets as a 2025 client declaring `capabilities`.
   */
  async lease(
    key: string,
    route: { key: string } & RouteTargets,
    capabilities: Capabilities,
    origin: CallOrigin,
  ): Promise<BridgeLease | { error: string }> {
    for (;;) {
      if (this.closed) return { error: "the gateway is shutting down" };
      const entry = this.entryFor(key, route);
      const idle = entry.idle.pop();
      if (idle) return this.lend(entry, idle);
      if (entry.size < MAX_SESSIONS_PER_KEY) {
        const opened = await this.open(entry, route, capabilities, origin);
        return "error" in opened ? opened : this.lend(entry, opened);
      }
      if (entry.queue.length >= MAX_QUEUED_PER_KEY) {
        return { error: "too many calls of this caller are waiting for the targets: retry later" };
      }
      const handed = await new Promise<RelaySession | undefined>((resolve) => {
        entry.queue.push(resolve);
      });
      if (handed) return this.lend(entry, handed);
    }
  }

  /** Adds a `subscriptions/listen` stream of `key`; the returned function removes it. */
  listen(key: string, listener: ChangeListener): () => void {
    const listeners = this.entries.get(key)?.listeners;
    listeners?.add(listener);
    return () => listeners?.delete(listener);
  }

  /**
   * After a reload: the keys whose route now has other targets (or is gone) are retired. Their
   * idle sessions close now, lent ones when they are given back, and their listen streams end,
   * so that the next call meets the targets as configured.
   */
  retireChanged(backendOf: (routeKey: string) => McpBackendSpec | undefined): void {
    for (const [key, entry] of this.entries) {
      const backend = backendOf(entry.routeKey);
      if (backend && JSON.stringify(backend) === entry.backend) continue;
      entry.retired = true;
      this.entries.delete(key);
      for (const session of entry.idle.splice(0)) void session.close();
      for (const listener of entry.listeners) listener.end();
      for (const waiter of entry.queue.splice(0)) waiter(undefined);
    }
  }

  /** Process ids of every running target, for a last-moment kill when the process exits. */
  pids(): number[] {
    return [...this.sessions].flatMap((session) => session.pids);
  }

  /** Closes every session and resolves once every target they started has stopped. */
  async closeAll(): Promise<void> {
    this.closed = true;
    this.idle.stop();
    for (const entry of this.entries.values()) {
      for (const waiter of entry.queue.splice(0)) waiter(undefined);
    }
    await Promise.all([...this.sessions].map((session) => session.close()));
  }

  private entryFor(key: string, route: { key: string } & RouteTargets): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        idle: [],
        size: 0,
        queue: [],
        initialized: undefined,
        listeners: new Set(),
        routeKey: route.key,
        backend: JSON.stringify(route.backend),
        retired: false,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async open(
    entry: Entry,
    route: RouteTargets,
    capabilities: Capabilities,
    origin: CallOrigin,
  ): Promise<RelaySession | { error: string }> {
    entry.size++;
    const session = new RelaySession(
      route,
      this.context,
      (closed) => this.forget(entry, closed),
      (message) => {
        for (const listener of entry.listeners) listener.notify(message);
      },
    );
    this.sessions.add(session);
    const params = {
      protocolVersion: LATEST_LEGACY_VERSION,
      capabilities,
      clientInfo: this.context.gatewayInfo,
    };
    const answer = await session.ask("initialize", params, origin);
    if (answer.error || !answer.result) {
      await session.close();
      return { error: answer.error?.message ?? "the targets did not initialize" };
    }
    session.handle({ jsonrpc: "2.0", method: "notifications/initialized" }, undefined, origin);
    entry.initialized ??= answer.result;
    return session;
  }

  private lend(entry: Entry, session: RelaySession): BridgeLease {
    return new Lease(session, entry, this.giveBack);
  }

  /** A lent session comes back: to the next call waiting for one, or to the idle ones. */
  private readonly giveBack = (entry: Entry, session: RelaySession): void => {
    if (session.closed) return;
    if (entry.retired) return void session.close();
    const next = entry.queue.shift();
    if (next) return next(session);
    this.lastUsed.set(session, Date.now());
    entry.idle.push(session);
  };

  private forget(entry: Entry, session: RelaySession): void {
    entry.size--;
    const at = entry.idle.indexOf(session);
    if (at !== -1) entry.idle.splice(at, 1);
    this.lastUsed.delete(session);
    const done = () => this.sessions.delete(session);
    session.close().then(done, done);
    // A call waiting for a free session may open one now.
    entry.queue.shift()?.(undefined);
  }

  /** Closes the sessions idle for the timeout, and forgets keys left with nothing. */
  private closeIdle(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      for (const session of [...entry.idle]) {
        if (now - (this.lastUsed.get(session) ?? now) > this.idle.timeoutMs) void session.close();
      }
      if (entry.size === 0 && entry.listeners.size === 0 && entry.queue.length === 0) {
        this.entries.delete(key);
      }
    }
  }
}

/**
 * A session lent to one call. A class, not an object with a closure: it is made on every
 * stateless call's path, where closures made per call led V8 to pretenure the call's objects.
 */
class Lease implements BridgeLease {
  readonly initialized: Record<string, unknown>;
  private released = false;

  constructor(
    readonly session: RelaySession,
    private readonly entry: Entry,
    private readonly giveBack: (entry: Entry, session: RelaySession) => void,
  ) {
    this.initialized = entry.initialized as Record<string, unknown>;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.giveBack(this.entry, this.session);
  }
}
