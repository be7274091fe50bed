/// <reference types="vite/client" />
import type { GatehouseBridge } from "../../shared/ui-bridge";

declare global {
  interface Window {
    /** Present only in Electron, where the preload script exposes it. */
    gatehouse?: GatehouseBridge;
  }
}
