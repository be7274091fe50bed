import type { RouteVerdict } from "../../../../shared/ui-api";

export function RouteVerdicts({ verdicts }: { verdicts: RouteVerdict[] }) {
  if (verdicts.length === 0) {
    return <p className="muted small">No route checks tokens: every route is open.</p>;
  }
  return (
    <div className="field">
      <span className="field-label">Routes</span>
      <ul className="verdicts" aria-label="Route verdicts">
        {verdicts.map((verdict) => (
          <li key={verdict.route} className={verdict.accepted ? "verdict-ok" : "verdict-refused"}>
            <span className="verdict-icon" aria-hidden="true">
              {verdict.accepted ? "✓" : "✗"}
            </span>
            <strong>{verdict.route}</strong>
            {verdict.accepted ? (
              <span>accepted{verdict.issuer && ` (issuer ${verdict.issuer})`}</span>
            ) : (
              <span>refused: {verdict.reason ?? "no reason given"}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
