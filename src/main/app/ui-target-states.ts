import type { TargetEvent } from "../../shared/log-event";
import type { TargetStatus } from "../../shared/ui-api";

type TargetState = Pick<TargetStatus, "state" | "error" | "stderrTail">;

/**
 * What the status shows of each target: the latest state any session saw. Every session runs
 * its own copy of a target, so the state is kept per session; a session that closes takes its
 * `up` away, while a failure stays to be read until a later session starts the target again.
 */
export class TargetStates {
  private readonly bySession = new Map<string, Map<string, TargetEvent>>();

  record(event: TargetEvent): void {
    let sessions = this.bySession.get(event.target);
    if (!sessions) this.bySession.set(event.target, (sessions = new Map()));
    const previous = sessions.get(event.session);
    // A later start that worked makes earlier failures history.
    if (event.state === "up") {
      for (const [session, seen] of sessions) if (seen.state === "failed") sessions.delete(session);
    }
    if (event.state !== "closed") sessions.set(event.session, event);
    else if (previous?.state !== "failed") sessions.delete(event.session);
  }

  of(target: string): TargetState {
    let latest: TargetEvent | undefined;
    for (const event of this.bySession.get(target)?.values() ?? []) {
      if (!latest || event.time >= latest.time) latest = event;
    }
    if (!latest) return { state: "idle" };
    if (latest.state !== "failed") return { state: latest.state === "up" ? "up" : "starting" };
    return { state: "failed", error: latest.error, stderrTail: latest.stderrTail };
  }
}
