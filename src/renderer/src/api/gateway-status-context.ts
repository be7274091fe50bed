import { createContext, useContext } from "react";
import type { GatewayStatus } from "../../../shared/ui-api";

export interface GatewayStatusState {
  status: GatewayStatus | undefined;
  error: string | undefined;
  /** Replaces the status with a fresher one, e.g. the answer of setPaused. */
  update: (status: GatewayStatus) => void;
  reload: () => Promise<void>;
}

export const GatewayStatusContext = createContext<GatewayStatusState | null>(null);

/** The gateway status, shared by the header and the overview and kept live by status events. */
export function useGatewayStatus(): GatewayStatusState {
  const state = useContext(GatewayStatusContext);
  if (!state) throw new Error("useGatewayStatus must be used inside <GatewayStatusProvider>");
  return state;
}
