import type { KeySummary } from "../../../../shared/ui-api";
import { CopyButton } from "../../components/CopyButton";
import { formatDateTime, shortKid } from "../../lib/format";

interface KeyRowProps {
  summary: KeySummary;
  onRetire: () => void;
  onDelete: () => void;
}

export function KeyRow({ summary, onRetire, onDelete }: KeyRowProps) {
  return (
    <tr>
      <td>
        <span className="key-id">
          <code title={summary.kid}>{shortKid(summary.kid)}</code>
          <CopyButton text={summary.kid} what={`key id ${summary.kid}`} small />
        </span>
      </td>
      <td>
        {summary.alg}
        {summary.bits && <span className="muted"> · {summary.bits} bits</span>}
      </td>
      <td>
        <span className={`badge ${summary.state === "active" ? "badge-ok" : ""}`}>
          {summary.state}
        </span>
      </td>
      <td>{summary.canSign ? "sign + verify" : "verify only"}</td>
      <td className="muted">{formatDateTime(summary.created)}</td>
      <td>{summary.label || <span className="muted">—</span>}</td>
      <td>
        <div className="button-row key-actions">
          {summary.state === "active" && summary.canSign && (
            <button type="button" className="button button-small" onClick={onRetire}>
              Retire
            </button>
          )}
          <button
            type="button"
            className="button button-small"
            onClick={onDelete}
            aria-label={`Delete ${summary.kid}`}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
