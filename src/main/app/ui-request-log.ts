import type { RequestEvent } from "../../shared/log-event";
import type { LogEntry } from "../../shared/ui-api";

/** How many requests the live log keeps in memory. */
const CAPACITY = 1000;

/** The latest requests as log entries, oldest first, with ids that only grow. */
export class RequestLog {
  private readonly entries: LogEntry[] = [];
  private nextId = 1;

  add(event: RequestEvent): LogEntry {
    const entry: LogEntry = { ...event, id: this.nextId++, denied: event.denied === true };
    this.entries.push(entry);
    if (this.entries.length > CAPACITY) this.entries.shift();
    return entry;
  }

  /** Newest first. */
  recent(limit: number): LogEntry[] {
    return limit > 0 ? this.entries.slice(-limit).reverse() : [];
  }
}
