import { useEffect, useRef } from "react";
import type { LogEntry } from "../../../../shared/ui-api";
import { formatDuration } from "../../lib/format";
import { RuleLink } from "./RuleLink";

interface RequestDetailsProps {
  entry: LogEntry;
  onClose: () => void;
}

export function RequestDetails({ entry, onClose }: RequestDetailsProps) {
  const heading = useRef<HTMLHeadingElement>(null);

  // Keyboard users land in the details they opened.
  useEffect(() => heading.current?.focus(), [entry.id]);

  const rows: [string, string | number | undefined][] = [
    ["Time", new Date(entry.time).toLocaleString()],
    ["Status", entry.status],
    [entry.denied ? "Denied because" : "Decided by", entry.reason],
    ["Error", entry.error],
    ["Subject", entry.subject],
    ["Issuer / provider", entry.issuer],
    ["Subject (unverified: claimed by a refused token)", entry.unverifiedSubject],
    ["Issuer (unverified: claimed by a refused token)", entry.unverifiedIssuer],
    ["JSON-RPC method", entry.method],
    ["Tool / prompt / resource", entry.name],
    ["Target", entry.target],
    ["Route", entry.route],
    ["Session", entry.session],
    ["HTTP", `${entry.httpMethod} ${entry.path}`],
    ["Duration", formatDuration(entry.durationMs)],
    ["Trace / span", entry.traceId && `${entry.traceId} / ${entry.spanId ?? ""}`],
    // What the config's accessLog added, after Gatehouse's own.
    ...Object.entries(entry.fields ?? {}).map(([name, value]): [string, string] => [
      `Field ${name}`,
      String(value),
    ]),
  ];

  return (
    <aside className="card request-details" aria-labelledby="request-details-title">
      <div className="card-header">
        <h2 id="request-details-title" ref={heading} tabIndex={-1}>
          Request #{entry.id}
        </h2>
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="card-body request-details-list">
        {rows
          .filter(([, value]) => value !== undefined && value !== "")
          .map(([label, value]) => (
            <div
              key={label}
              className={
                label === "Error" || label === "Denied because" ? "request-details-emphasis" : ""
              }
            >
              <dt>{label}</dt>
              <dd>
                {value}
                {label === "Denied because" && entry.ruleLine !== undefined && (
                  <>
                    {" "}
                    <RuleLink line={entry.ruleLine} />
                  </>
                )}
              </dd>
            </div>
          ))}
      </dl>
    </aside>
  );
}
