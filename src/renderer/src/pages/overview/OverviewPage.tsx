import { useGatewayStatus } from "../../api/gateway-status-context";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { ChangedToolsPanel } from "./ChangedToolsPanel";
import { FirstRunCard } from "./FirstRunCard";
import { RouteCard } from "./RouteCard";
import { StatTile } from "./StatTile";
import "./OverviewPage.css";

export function OverviewPage() {
  const { status, error, reload } = useGatewayStatus();

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        description="Where clients connect, what guards each route, and how the targets are doing."
      />
      {error && <ErrorNotice message={error} onRetry={() => void reload()} />}
      {!status && !error && <Skeleton lines={5} />}
      <ChangedToolsPanel />
      {status && (
        <>
          {status.demo && <FirstRunCard demo={status.demo} />}
          <div className="stat-tiles">
            <StatTile label="State" value={status.paused ? "Paused" : "Running"} />
            <StatTile label="Active sessions" value={status.sessions} />
            <StatTile label="Allowed" value={status.counts.allowed} tone="ok" />
            <StatTile
              label="Denied"
              value={status.counts.denied}
              tone={status.counts.denied > 0 ? "danger" : undefined}
              href="#/requests?denied=1"
            />
          </div>
          {status.listeners.length === 0 && (
            <div className="card">
              <EmptyState title="No listeners">
                <p>
                  The config defines no routes yet. <a href="#/config">Add a route in Config</a>.
                </p>
              </EmptyState>
            </div>
          )}
          {status.listeners.map((listener) => (
            <section key={listener.name} className="stack" aria-label={`Listener ${listener.name}`}>
              <h2 className="listener-title">
                Listener <code>{listener.url}</code>
              </h2>
              {listener.routes.map((route) => (
                <RouteCard key={route.name} route={route} />
              ))}
            </section>
          ))}
        </>
      )}
    </div>
  );
}
