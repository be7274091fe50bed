import type { RequestEvent } from "../gateway/log-event";
import type { LogEntry } from "../../shared/ui-api";

/** How many requests the live log keeps in memory. */
const CAPACITY = 1000;
/**
 * And how much memory they may take: the bus bounds each field, but a thousand entries full of
 * maximal names and errors would still be tens of megabytes that a client chose to fill.
 */
const BUDGET_BYTES = 4 * 1024 * 1024;
/** An entry's object, its numbers and the slots of its fields, roughly as V8 lays them out. */
const ENTRY_OVERHEAD_BYTES = 320;

/**
 * The latest requests as log entries, with ids that only grow: a ring of CAPACITY slots, so
 * that adding one, which happens for every request, moves nothing else.
 */
export class RequestLog {
  private readonly entries: (LogEntry | undefined)[] = new Array(CAPACITY);
  /** What the entry in the same slot costs. */
  private readonly sizes = new Uint32Array(CAPACITY);
  private oldest = 0;
  private count = 0;
  private bytes = 0;
  private nextId = 1;

  /** `ruleLine`: where the config holds the rule that refused it (see RequestEvent.rule). */
  add(event: RequestEvent, ruleLine?: number): LogEntry {
    const entry: LogEntry = { ...event, id: this.nextId++, denied: event.denied === true };
    if (ruleLine !== undefined) entry.ruleLine = ruleLine;
    const size = approximateBytes(event);
    if (this.count === CAPACITY) this.dropOldest();
    // One entry is far below the budget (the bus bounds every field), so this ends.
    while (this.bytes + size > BUDGET_BYTES) this.dropOldest();
    const slot = (this.oldest + this.count) % CAPACITY;
    this.entries[slot] = entry;
    this.sizes[slot] = size;
    this.count++;
    this.bytes += size;
    return entry;
  }

  /** Newest first. */
  recent(limit: number): LogEntry[] {
    const shown: LogEntry[] = [];
    for (let i = this.count - 1; i >= 0 && shown.length < limit; i--) {
      shown.push(this.entries[(this.oldest + i) % CAPACITY] as LogEntry);
    }
    return shown;
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.oldest] as number;
    this.entries[this.oldest] = undefined;
    this.oldest = (this.oldest + 1) % CAPACITY;
    this.count--;
  }
}

/**
 * What an entry made of this event takes: its strings at two bytes a character, as V8 may store
 * them, beside a fixed cost for the object and its numbers. This runs for every request, so the
 * fields are read by name, and from the event as the bus made it: a walk over keys, or reads of
 * absent fields on the entry copied from it, cost more than the rest of `add`.
 */
function approximateBytes(e: RequestEvent): number {
  const characters =
    e.httpMethod.length +
    e.path.length +
    (e.route?.length ?? 0) +
    (e.method?.length ?? 0) +
    (e.target?.length ?? 0) +
    (e.name?.length ?? 0) +
    (e.session?.length ?? 0) +
    (e.subject?.length ?? 0) +
    (e.issuer?.length ?? 0) +
    (e.unverifiedSubject?.length ?? 0) +
    (e.unverifiedIssuer?.length ?? 0) +
    (e.reason?.length ?? 0) +
    (e.error?.length ?? 0) +
    (e.traceId?.length ?? 0) +
    (e.spanId?.length ?? 0) +
    (e.fields ? fieldCharacters(e.fields) : 0);
  return ENTRY_OVERHEAD_BYTES + 2 * characters;
}

/** The fields `accessLog.add` computed: names and values (a number or boolean as 8). */
function fieldCharacters(fields: NonNullable<RequestEvent["fields"]>): number {
  let characters = 0;
  for (const name in fields) {
    const value = fields[name];
    characters += name.length + (typeof value === "string" ? value.length : 8);
  }
  return characters;
}
