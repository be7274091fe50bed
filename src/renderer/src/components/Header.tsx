import { useState } from "react";
import { useGatewayStatus } from "../api/gateway-status-context";
import { useUiClient } from "../api/ui-client-context";
import { errorMessage } from "../hooks/use-async";
import type { Theme } from "../hooks/use-theme";
import { useToast } from "./toast-context";
import "./Header.css";

interface HeaderProps {
  theme: Theme;
  onToggleTheme: () => void;
}

export function Header({ theme, onToggleTheme }: HeaderProps) {
  const client = useUiClient();
  const toast = useToast();
  const { status, error, update } = useGatewayStatus();
  const [switching, setSwitching] = useState(false);

  async function togglePaused(): Promise<void> {
    if (!status) return;
    setSwitching(true);
    try {
      const next = await client.setPaused(!status.paused);
      update(next);
      toast(next.paused ? "Paused: the gateway refuses new requests" : "Running again");
    } catch (caught) {
      toast(errorMessage(caught), "error");
    } finally {
      setSwitching(false);
    }
  }

  const state = error ? "unreachable" : !status ? "loading" : status.paused ? "paused" : "running";

  return (
    <header className="header">
      <div className="header-source">
        {status && (
          <>
            <span className="muted small">Config</span>
            <code className="header-config" title={status.configSource}>
              {status.configSource}
            </code>
            <span className="badge">v{status.version}</span>
          </>
        )}
        {error && <span className="badge badge-danger">Gateway unreachable: {error}</span>}
      </div>
      <div className="button-row">
        <button
          type="button"
          className={`button gateway-state gateway-state-${state}`}
          role="switch"
          aria-checked={status ? !status.paused : false}
          disabled={!status || switching}
          onClick={() => void togglePaused()}
          title={
            status?.paused ? "Resume the gateway" : "Pause the gateway: new requests get refused"
          }
        >
          <span className="gateway-state-dot" aria-hidden="true" />
          {status?.paused ? "Paused" : "Running"}
        </button>
        <button
          type="button"
          className="button button-ghost"
          onClick={onToggleTheme}
          aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          title="Toggle theme"
        >
          {theme === "dark" ? "☀ Light" : "☾ Dark"}
        </button>
      </div>
    </header>
  );
}
