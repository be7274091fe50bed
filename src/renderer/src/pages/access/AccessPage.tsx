import { useUiClient } from "../../api/ui-client-context";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { useAsync } from "../../hooks/use-async";
import { AccessMatrixTable } from "./AccessMatrixTable";
import "./AccessPage.css";

export function AccessPage() {
  const client = useUiClient();
  const matrices = useAsync(() => client.accessMatrix(), [client]);

  return (
    <div className="page">
      <PageHeader
        title="Access"
        description="Which identity may call which tool, route by route, as mcpAuthorization decides it."
        actions={
          <button
            type="button"
            className="button"
            onClick={() => void matrices.reload()}
            disabled={matrices.loading}
          >
            Refresh
          </button>
        }
      />
      {matrices.error && (
        <ErrorNotice message={matrices.error} onRetry={() => void matrices.reload()} />
      )}
      {!matrices.data && !matrices.error && <Skeleton lines={6} />}
      {matrices.data?.length === 0 && (
        <div className="card">
          <EmptyState title="No routes to show">
            <p>
              Add a route with targets in <a href="#/config">Config</a>.
            </p>
          </EmptyState>
        </div>
      )}
      {matrices.data?.map((matrix) => (
        <AccessMatrixTable key={matrix.route} matrix={matrix} />
      ))}
    </div>
  );
}
