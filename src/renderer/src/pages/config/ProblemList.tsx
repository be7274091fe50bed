import type { ConfigProblemInfo } from "../../../../shared/ui-api";

interface ProblemListProps {
  problems: ConfigProblemInfo[];
  warnings: ConfigProblemInfo[];
}

export function ProblemList({ problems, warnings }: ProblemListProps) {
  const entries = [
    ...problems.map((problem) => ({ ...problem, severity: "error" as const })),
    ...warnings.map((warning) => ({ ...warning, severity: "warning" as const })),
  ];
  return (
    <ul className="problem-list" data-testid="config-problems">
      {entries.map((entry, index) => (
        <li key={index} className={`problem problem-${entry.severity}`}>
          <span className={`badge ${entry.severity === "error" ? "badge-danger" : "badge-warn"}`}>
            {entry.severity}
          </span>
          <code className="problem-position">
            {entry.line}:{entry.col}
          </code>
          {entry.path && <code className="problem-path">{entry.path}</code>}
          <span>{entry.message}</span>
        </li>
      ))}
    </ul>
  );
}
