import { createContext, useContext } from "react";
import type { UiClient } from "../../../shared/ui-api";

export const UiClientContext = createContext<UiClient | null>(null);

export function useUiClient(): UiClient {
  const client = useContext(UiClientContext);
  if (!client) throw new Error("useUiClient must be used inside <UiClientContext.Provider>");
  return client;
}
