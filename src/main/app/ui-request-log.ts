import type { RequestEvent } from "../../shared/log-event";
import type { LogEntry } from "../../shared/ui-api";

/** How many requests the live log keeps in memory. */
const CAPACITY = 1000;
/**
 * And how much memory they may take: the bus bounds each field, but a thousand entries full of
 * maximal names and errors would still be tens of megabytes that a client chose to fill.
 */
const BUDGET_BYTES = 4 * 1024 * 1024;
/** An object and its hidden class, per entry and per property, roughly as V8 lays them out. */
const ENTRY_OVERHEAD_BYTES = 64;
const FIELD_OVERHEAD_BYTES = 16;

/** The latest requests as log entries, oldest first, with ids that only grow. */
export class RequestLog {
  private readonly entries: LogEntry[] = [];
  /** What each entry of `entries` costs, at the same index. */
  private readonly sizes: number[] = [];
  private bytes = 0;
  private nextId = 1;

  add(event: RequestEvent): LogEntry {
    const entry: LogEntry = { ...event, id: this.nextId++, denied: event.denied === true };
    const size = approximateBytes(entry);
    this.entries.push(entry);
    this.sizes.push(size);
    this.bytes += size;
    while (this.entries.length > CAPACITY || this.bytes > BUDGET_BYTES) {
      this.entries.shift();
      this.bytes -= this.sizes.shift() as number;
    }
    return entry;
  }

  /** Newest first. */
  recent(limit: number): LogEntry[] {
    return limit > 0 ? this.entries.slice(-limit).reverse() : [];
  }
}

/** Strings count two bytes a character, as V8 may store them; everything else a field's worth. */
function approximateBytes(entry: LogEntry): number {
  let bytes = ENTRY_OVERHEAD_BYTES;
  for (const key in entry) {
    const value = entry[key as keyof LogEntry];
    bytes += FIELD_OVERHEAD_BYTES + (typeof value === "string" ? 2 * value.length : 0);
  }
  return bytes;
}
