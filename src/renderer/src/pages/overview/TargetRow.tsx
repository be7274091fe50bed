import type { TargetState, TargetStatus } from "../../../../shared/ui-api";

const STATE_BADGE: Record<TargetState, string> = {
  idle: "badge",
  starting: "badge badge-info",
  up: "badge badge-ok",
  failed: "badge badge-danger",
};

const STATE_HINT: Record<TargetState, string> = {
  idle: "Starts when a client first connects",
  starting: "Starting",
  up: "Serving",
  failed: "Failed",
};

export function TargetRow({ target }: { target: TargetStatus }) {
  return (
    <li className="target-row">
      <div className="target-summary">
        <span className={STATE_BADGE[target.state]} title={STATE_HINT[target.state]}>
          {target.state}
        </span>
        <strong>{target.name}</strong>
        <span className="badge">{target.kind}</span>
        <code className="target-detail" title={target.detail}>
          {target.detail}
        </code>
      </div>
      {target.state === "failed" && (
        <div className="target-failure">
          {target.error && <p className="target-error">{target.error}</p>}
          {target.stderrTail && target.stderrTail.length > 0 && (
            <pre className="target-stderr" aria-label={`stderr of ${target.name}`}>
              {target.stderrTail.join("\n")}
            </pre>
          )}
        </div>
      )}
    </li>
  );
}
