import { useEffect, useMemo, useRef } from "react";
import type { ReactNode } from "react";
import { useAsync } from "../hooks/use-async";
import { useUiEvent } from "../hooks/use-ui-event";
import { GatewayStatusContext } from "./gateway-status-context";
import { useUiClient } from "./ui-client-context";

/** Requests change the counts and sessions but bring no status event: re-read at most this often. */
const COUNTS_REFRESH_MS = 1000;

export function GatewayStatusProvider({ children }: { children: ReactNode }) {
  const client = useUiClient();
  const { data, error, reload, setData } = useAsync(() => client.status(), [client]);
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useUiEvent("status", (event) => setData(event.status));
  useUiEvent("request", () => {
    refreshTimer.current ??= setTimeout(() => {
      refreshTimer.current = undefined;
      void reload();
    }, COUNTS_REFRESH_MS);
  });
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const state = useMemo(
    () => ({ status: data, error, update: setData, reload }),
    [data, error, setData, reload],
  );
  return <GatewayStatusContext.Provider value={state}>{children}</GatewayStatusContext.Provider>;
}
