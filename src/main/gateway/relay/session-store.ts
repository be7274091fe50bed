import type { RelaySession } from "./session";

/**
 * Who a session belongs to: the listener and route that created it and the caller's principal.
 * A request that names the session must come from the same three, or the session does not exist
 * for it: otherwise a session opened on a strict route could be driven from an open one.
 */
export type SessionOwner = string;

interface Entry {
  session: RelaySession;
  owner: SessionOwner;
}

/**
 * All live sessions of the gateway, across config reloads. Sessions nobody has used for the idle
 * timeout (no call in flight, no open stream) are closed, which also stops their stdio targets.
 */
export class SessionStore {
  private readonly entries = new Map<string, Entry>();
  private sweeper: NodeJS.Timeout | undefined;
  private timeoutMs = 0;

  constructor(idleTimeoutMs: number) {
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Changes with `config.mcp.sessionTtl` on reload; checked a few times per timeout. */
  set idleTimeoutMs(ms: number) {
    if (ms === this.timeoutMs) return;
    this.timeoutMs = ms;
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(Math.max(ms / 4, 250), 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  add(session: RelaySession, owner: SessionOwner): void {
    this.entries.set(session.id, { session, owner });
  }

  /** The session with this id, if `owner` owns it; another owner's session is not found. */
  get(id: string, owner: SessionOwner): RelaySession | undefined {
    const entry = this.entries.get(id);
    return entry?.owner === owner ? entry.session : undefined;
  }

  delete(session: RelaySession): void {
    this.entries.delete(session.id);
  }

  /** Process ids of every spawned target, for a last-moment kill when the process exits. */
  pids(): number[] {
    return [...this.entries.values()].flatMap(({ session }) => session.pids);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.entries.values()].map(({ session }) => session.close()));
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const { session } of this.entries.values()) {
      if (session.idleSince(now) > this.timeoutMs) void session.close();
    }
  }
}
