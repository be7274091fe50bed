import type { RouteStatus } from "../../../../shared/ui-api";
import { CopyButton } from "../../components/CopyButton";
import { TargetRow } from "./TargetRow";

export function RouteCard({ route }: { route: RouteStatus }) {
  return (
    <article className="card" aria-label={`Route ${route.name}`}>
      <div className="card-header">
        <div className="route-title">
          <h3>{route.name}</h3>
          <div className="button-row">
            {route.policies.length === 0 ? (
              <span className="badge badge-warn" title="Anyone who reaches the port can call it">
                no policies: open
              </span>
            ) : (
              route.policies.map((policy) => (
                <span key={policy} className="badge badge-accent">
                  {policy}
                </span>
              ))
            )}
          </div>
        </div>
        <div className="button-row">
          <code className="route-endpoint">{route.endpoint}</code>
          <CopyButton text={route.endpoint} what={`endpoint of ${route.name}`} small />
        </div>
      </div>
      {route.targets.length === 0 ? (
        <p className="card-body muted">This route has no targets.</p>
      ) : (
        <ul className="target-list">
          {route.targets.map((target) => (
            <TargetRow key={target.name} target={target} />
          ))}
        </ul>
      )}
    </article>
  );
}
