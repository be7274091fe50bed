import { boundEvent, type GatewayEvent, type NoticeEvent } from "../../shared/log-event";

export type EventListener = (event: GatewayEvent) => void;

/** Fans every gateway event out to the printers, the UI and the files that want it. */
export class LogBus {
  private listeners: EventListener[] = [];

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
}
