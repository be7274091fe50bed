interface StatTileProps {
  label: string;
  value: string | number;
  tone?: "ok" | "danger";
  /** Where to look closer, e.g. the denied requests. */
  href?: string;
}

export function StatTile({ label, value, tone, href }: StatTileProps) {
  const body = (
    <>
      <span className="stat-tile-label">{label}</span>
      <span className={`stat-tile-value ${tone ? `stat-tile-${tone}` : ""}`}>{value}</span>
    </>
  );
  return href ? (
    <a className="card stat-tile stat-tile-link" href={href}>
      {body}
    </a>
  ) : (
    <div className="card stat-tile">{body}</div>
  );
}
