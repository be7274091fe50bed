import type { RelaySession } from "./session";

/**
 * All live sessions of the gateway, across config reloads. Sessions nobody has used for the idle
 * timeout (no call in flight, no open stream) are closed, which also stops their stdio targets.
 */
export class SessionStore {
  private readonly sessions = new Map<string, RelaySession>();
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
    return this.sessions.size;
  }

  add(session: RelaySession): void {
    this.sessions.set(session.id, session);
  }

  get(id: string): RelaySession | undefined {
    return this.sessions.get(id);
  }

  delete(session: RelaySession): void {
    this.sessions.delete(session.id);
  }

  /** Process ids of every spawned target, for a last-moment kill when the process exits. */
  pids(): number[] {
    return [...this.sessions.values()].flatMap((session) => session.pids);
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const session of this.sessions.values()) {
      if (session.idleSince(now) > this.timeoutMs) void session.close();
    }
  }
}
