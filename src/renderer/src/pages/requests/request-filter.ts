import type { LogEntry } from "../../../../shared/ui-api";

export interface RequestFilter {
  deniedOnly: boolean;
  /** "" for any status. */
  status: "" | "401" | "403";
  subject: string;
  tool: string;
  target: string;
}

export const NO_FILTER: RequestFilter = {
  deniedOnly: false,
  status: "",
  subject: "",
  tool: "",
  target: "",
};

function contains(value: string | undefined, needle: string): boolean {
  return needle === "" || (value ?? "").toLowerCase().includes(needle.trim().toLowerCase());
}

export function matchesFilter(entry: LogEntry, filter: RequestFilter): boolean {
  return (
    (!filter.deniedOnly || entry.denied) &&
    (filter.status === "" || String(entry.status) === filter.status) &&
    // Who a refused token claimed to be is what a person looking for that caller wants too.
    contains(entry.subject ?? entry.unverifiedSubject, filter.subject) &&
    (contains(entry.name, filter.tool) || contains(entry.method, filter.tool)) &&
    contains(entry.target, filter.target)
  );
}
