import { IdleSweeper } from "./idle-sweeper";
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
 * A session that is closing is no longer found, but is kept until its targets have stopped.
 */
export class SessionStore {
  private readonly entries = new Map<string, Entry>();
  /** Sessions closed by DELETE, idle timeout or their stream's end, until their targets stopped. */
  private readonly closing = new Set<RelaySession>();
  /** Its timeout follows `config.mcp.sessionTtl` on reload. */
  readonly idle: IdleSweeper;

  constructor(idleTimeoutMs: number) {
    this.idle = new IdleSweeper(idleTimeoutMs, () => this.closeIdle());
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

  /** Called as the session closes: it is no longer found, and closeAll still waits for it. */
  delete(session: RelaySession): void {
    this.entries.delete(session.id);
    this.closing.add(session);
    const forget = () => this.closing.delete(session);
    session.close().then(forget, forget); // the close under way: the same promise
  }

  /** Process ids of every running target, for a last-moment kill when the process exits. */
  pids(): number[] {
    const live = [...this.entries.values()].map(({ session }) => session);
    return [...live, ...this.closing].flatMap((session) => session.pids);
  }

  /** Closes every session and resolves once every target they started has stopped. */
  async closeAll(): Promise<void> {
    this.idle.stop();
    const live = [...this.entries.values()].map(({ session }) => session);
    await Promise.all([...live, ...this.closing].map((session) => session.close()));
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const { session } of this.entries.values()) {
      if (session.idleSince(now) > this.idle.timeoutMs) void session.close();
    }
  }
}
