import { useEffect, useMemo, useState } from "react";
import type { LogEntry } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { errorMessage } from "../../hooks/use-async";
import { useUiEvent } from "../../hooks/use-ui-event";
import { downloadText } from "../../lib/download";
import { matchesFilter, NO_FILTER } from "./request-filter";
import type { RequestFilter } from "./request-filter";
import { RequestDetails } from "./RequestDetails";
import { RequestFilters } from "./RequestFilters";
import { RequestRow } from "./RequestRow";
import "./RequestsPage.css";

const FIRST_PAGE = 500;
/** The page keeps this many entries; older ones remain in the gateway's JSONL file. */
const MAX_ENTRIES = 5000;

/** Newest first, each id once: live events can arrive before the first page does. */
function merge(current: LogEntry[], incoming: LogEntry[]): LogEntry[] {
  const byId = new Map(current.map((entry) => [entry.id, entry]));
  for (const entry of incoming) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, MAX_ENTRIES);
}

export function RequestsPage({ deniedOnly }: { deniedOnly: boolean }) {
  const client = useUiClient();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const [filter, setFilter] = useState<RequestFilter>({ ...NO_FILTER, deniedOnly });
  const [selectedId, setSelectedId] = useState<number>();

  useUiEvent("request", (event) => setEntries((current) => merge(current, [event.entry])));

  useEffect(() => {
    client.recentRequests(FIRST_PAGE).then(
      (page) => {
        setEntries((current) => merge(current, page));
        setLoaded(true);
      },
      (caught: unknown) => setError(errorMessage(caught)),
    );
  }, [client]);

  const visible = useMemo(
    () => entries.filter((entry) => matchesFilter(entry, filter)),
    [entries, filter],
  );
  const selected = entries.find((entry) => entry.id === selectedId);

  function exportJsonl(): void {
    const lines = visible.map((entry) => JSON.stringify(entry)).join("\n");
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    downloadText(`gatehouse-requests-${stamp}.jsonl`, `${lines}\n`, "application/x-ndjson");
  }

  return (
    <div className="page requests-page">
      <PageHeader
        title="Requests"
        description="Every request through the gateway, newest first, with the rule or reason that decided it."
        actions={
          <>
            <span className="live-indicator" title="Updates as requests arrive">
              <span className="live-dot" aria-hidden="true" /> Live
            </span>
            <button
              type="button"
              className="button"
              onClick={exportJsonl}
              disabled={visible.length === 0}
            >
              Export JSONL
            </button>
          </>
        }
      />
      <RequestFilters
        filter={filter}
        onChange={setFilter}
        shown={visible.length}
        total={entries.length}
      />
      {error && <ErrorNotice message={error} />}

      <div className={`requests-layout ${selected ? "requests-layout-with-details" : ""}`}>
        <div className="card requests-table">
          {!loaded && !error && <Skeleton lines={6} />}
          {loaded && visible.length === 0 && (
            <EmptyState title={entries.length === 0 ? "No requests yet" : "No request matches"}>
              {entries.length === 0 ? (
                <p>
                  Point a client at the gateway (see <a href="#/clients">Clients</a>) or try one in
                  the <a href="#/playground">Playground</a>.
                </p>
              ) : (
                <button type="button" className="button" onClick={() => setFilter(NO_FILTER)}>
                  Clear filters
                </button>
              )}
            </EmptyState>
          )}
          {visible.length > 0 && (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Status</th>
                    <th scope="col">Method</th>
                    <th scope="col">Tool / target</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Duration</th>
                    <th scope="col">
                      <span className="visually-hidden">Decision</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {visible.map((entry) => (
                    <RequestRow
                      key={entry.id}
                      entry={entry}
                      selected={entry.id === selectedId}
                      onOpen={() => setSelectedId(entry.id)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        {selected && <RequestDetails entry={selected} onClose={() => setSelectedId(undefined)} />}
      </div>
    </div>
  );
}
