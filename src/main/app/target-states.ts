import type { TargetEvent } from "../gateway/log-event";
import type { TargetStatus } from "../../shared/ui-api";

type TargetState = Pick<TargetStatus, "state" | "error" | "stderrTail">;

/** One target as the sessions saw it. */
interface Sightings {
  /** The state in each session that has not closed. */
  open: Map<string, TargetEvent>;
  /**
   * The latest failure of a session that closed. Older ones could never be the latest state
   * again, and keeping them would let every failing session add its stderr to memory for good.
   */
  closedFailure?: TargetEvent;
}

/**
 * What the status shows of each target: the latest state any session saw. Every session runs
 * its own copy of a target, so the state is kept per session; a session that closes takes its
 * `up` away, while a failure stays to be read until a later session starts the target again.
 */
export class TargetStates {
  private readonly byTarget = new Map<string, Sightings>();

  record(event: TargetEvent): void {
    let seen = this.byTarget.get(event.target);
    if (!seen) this.byTarget.set(event.target, (seen = { open: new Map() }));
    // A later start that worked makes earlier failures history.
    if (event.state === "up") {
      for (const [session, state] of seen.open) {
        if (state.state === "failed") seen.open.delete(session);
      }
      seen.closedFailure = undefined;
    }
    if (event.state !== "closed") {
      seen.open.set(event.session, event);
      return;
    }
    const previous = seen.open.get(event.session);
    seen.open.delete(event.session);
    if (previous?.state === "failed" && previous.time >= (seen.closedFailure?.time ?? 0)) {
      seen.closedFailure = previous;
    }
  }

  of(target: string): TargetState {
    const seen = this.byTarget.get(target);
    let latest = seen?.closedFailure;
    for (const event of seen?.open.values() ?? []) {
      if (!latest || event.time >= latest.time) latest = event;
    }
    if (!latest) return { state: "idle" };
    if (latest.state !== "failed") return { state: latest.state === "up" ? "up" : "starting" };
    return { state: "failed", error: latest.error, stderrTail: latest.stderrTail };
  }
}
