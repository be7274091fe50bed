import { boundEvent, type GatewayEvent, type NoticeEvent } from "./log-event";

export type EventListener = (event: GatewayEvent) => void;

/** How many distinct once-only notices are remembered; beyond, they may be said again. */
const ONCE_REMEMBERED = 1000;

/** Fans every gateway event out to the printers, the UI and the files that want it. */
export class LogBus {
  private listeners: EventListener[] = [];
  private readonly said = new Set<string>();

  subscribe(listener: EventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Every event passes here, so this is where hostile sizes and bytes are stopped: each
   * listener gets the bounded, escaped event and none of them needs to check again.
   */
  emit(event: GatewayEvent): void {
    const bounded = boundEvent(event);
    for (const listener of this.listeners) listener(bounded);
  }

  notice(
    level: NoticeEvent["level"],
    message: string,
    where?: Pick<NoticeEvent, "target" | "session">,
  ): void {
    this.emit({ kind: "notice", time: Date.now(), level, message, ...where });
  }

  /** A notice about the config that every session runs into: said once, not per session. */
  noticeOnce(level: NoticeEvent["level"], message: string): void {
    if (this.said.has(message)) return;
    if (this.said.size >= ONCE_REMEMBERED) this.said.clear();
    this.said.add(message);
    this.notice(level, message);
  }
}
