import { useCallback, useEffect, useState } from "react";
import type { PendingToolChange, ToolPinsOfTarget } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { useToast } from "../../components/toast-context";
import { useUiEvent } from "../../hooks/use-ui-event";

/**
 * Tools whose definition changed since it was pinned (a possible rug pull): each is hidden from
 * clients until it is approved here or with `gatehouse pins approve`. Shown only when there are.
 */
export function ChangedToolsPanel() {
  const client = useUiClient();
  const toast = useToast();
  const [targets, setTargets] = useState<ToolPinsOfTarget[]>([]);
  const load = useCallback(
    () => client.listToolPins().then(setTargets, (error: Error) => toast(error.message, "error")),
    [client, toast],
  );
  useEffect(() => void load(), [load]);
  useUiEvent("tool-pins-changed", () => void load());

  const changes = targets.flatMap((target) => target.pending.map((change) => ({ target, change })));
  if (changes.length === 0) return null;

  const decide = async (approve: boolean, target: ToolPinsOfTarget, change: PendingToolChange) => {
    const name = `${target.route}/${target.target}`;
    try {
      setTargets(
        approve
          ? await client.approveToolChange(name, change.tool)
          : await client.rejectToolChange(name, change.tool),
      );
      toast(`${change.tool}: ${approve ? "approved, listed again" : "rejected, stays hidden"}`);
    } catch (error) {
      toast((error as Error).message, "error");
    }
  };

  return (
    <section className="card" aria-labelledby="changed-tools-title">
      <div className="card-header">
        <h2 id="changed-tools-title">Changed tools</h2>
      </div>
      <div className="card-body stack">
        <p className="muted">
          These tools changed their definition since they were first seen. Each is hidden from
          clients until you approve the change.
        </p>
        {changes.map(({ target, change }) => (
          <article
            key={`${target.identity} ${change.tool}`}
            aria-label={`Change of ${change.tool} of ${target.target}`}
          >
            <h3>
              <code>{change.tool}</code> of <code>{target.target}</code>{" "}
              <span className="muted">(route {target.route})</span>
            </h3>
            <pre className="tool-diff">
              {change.diff.split("\n").map((line, i) => (
                <span
                  key={i}
                  className={
                    line.startsWith("+")
                      ? "diff-add"
                      : line.startsWith("-")
                        ? "diff-del"
                        : undefined
                  }
                >
                  {line}
                  {"\n"}
                </span>
              ))}
            </pre>
            <div className="button-row">
              <button
                type="button"
                className="button button-primary"
                onClick={() => void decide(true, target, change)}
              >
                Approve
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => void decide(false, target, change)}
              >
                Reject
              </button>
            </div>
          </article>
        ))}
      </div>
    </section>
  );
}
