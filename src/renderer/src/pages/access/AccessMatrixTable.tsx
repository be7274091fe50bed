import type { AccessMatrix } from "../../../../shared/ui-api";
import { EmptyState } from "../../components/EmptyState";
import { plural } from "../../lib/format";

/** Tools down, identities across: routes have few identities and often many tools. */
export function AccessMatrixTable({ matrix }: { matrix: AccessMatrix }) {
  const empty = matrix.identities.length === 0 || matrix.tools.length === 0;
  return (
    <section className="card" aria-label={`Access on route ${matrix.route}`}>
      <div className="card-header">
        <h2>
          Route <code>{matrix.route}</code>
        </h2>
        <span className="small muted">
          {plural(matrix.tools.length, "tool")} ×{" "}
          {plural(matrix.identities.length, "identity", "identities")}
        </span>
      </div>
      {empty ? (
        <EmptyState
          title={matrix.identities.length === 0 ? "No identities yet" : "No tools on this route"}
        >
          {matrix.identities.length === 0 && (
            <p>
              <a href="#/tokens">Create an identity</a> to see what it may call.
            </p>
          )}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table access-table">
            <thead>
              <tr>
                <th scope="col">Tool</th>
                {matrix.identities.map((identity) => (
                  <th key={identity} scope="col" className="access-identity">
                    {identity}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.tools.map((tool, toolIndex) => (
                <tr key={tool.exposed}>
                  <th scope="row" className="access-tool">
                    <code>{tool.exposed}</code>
                    <span className="muted small"> {tool.target}</span>
                  </th>
                  {matrix.identities.map((identity, identityIndex) => {
                    const cell = matrix.cells[identityIndex]?.[toolIndex];
                    if (!cell) return <td key={identity} />;
                    const verdict = cell.allowed ? "allowed" : "denied";
                    return (
                      <td
                        key={identity}
                        className={`access-cell access-${verdict}`}
                        title={`${identity} → ${tool.exposed}: ${verdict} (${cell.reason})`}
                      >
                        <span aria-hidden="true">{cell.allowed ? "✓" : "✗"}</span>
                        <span className="visually-hidden">
                          {verdict}: {cell.reason}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
