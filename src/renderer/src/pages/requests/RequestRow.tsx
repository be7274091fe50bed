import type { LogEntry } from "../../../../shared/ui-api";
import { formatDuration, formatTime } from "../../lib/format";
import { RuleLink } from "./RuleLink";

interface RequestRowProps {
  entry: LogEntry;
  selected: boolean;
  onOpen: () => void;
}

function statusTone(status: number): string {
  if (status >= 500) return "badge-danger";
  if (status >= 400) return "badge-warn";
  return "badge-ok";
}

/** The verified subject; else who a refused token claimed to be, marked as such; else nobody. */
function CallerCell({ entry }: { entry: LogEntry }) {
  if (entry.subject !== undefined) return <>{entry.subject}</>;
  if (entry.unverifiedSubject !== undefined) {
    return (
      <>
        {entry.unverifiedSubject} <span className="muted">(unverified)</span>
      </>
    );
  }
  return <span className="muted">anonymous</span>;
}

export function RequestRow({ entry, selected, onOpen }: RequestRowProps) {
  const what = [entry.name, entry.target].filter(Boolean).join(" @ ");
  return (
    <tr
      className={`request-row ${selected ? "request-row-selected" : ""} ${entry.denied ? "request-row-denied" : ""}`}
      data-testid="log-row"
      tabIndex={0}
      aria-label={`${entry.status} ${entry.method ?? entry.httpMethod} ${what}, open details`}
      onClick={onOpen}
      onKeyDown={(event) => {
        if (event.key === "Enter") onOpen();
      }}
    >
      <td className="mono muted">{formatTime(entry.time)}</td>
      <td>
        <span className={`badge ${statusTone(entry.status)}`}>{entry.status}</span>
      </td>
      <td className="mono">{entry.method ?? `${entry.httpMethod} ${entry.path}`}</td>
      <td className="mono">{what || <span className="muted">—</span>}</td>
      <td>
        <CallerCell entry={entry} />
      </td>
      <td className="mono muted">{formatDuration(entry.durationMs)}</td>
      <td>
        {entry.denied && <span className="badge badge-danger">denied</span>}{" "}
        {entry.ruleLine !== undefined && <RuleLink line={entry.ruleLine} />}
      </td>
    </tr>
  );
}
