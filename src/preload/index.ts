import { contextBridge, ipcRenderer } from "electron";
import type { UiEvent } from "../shared/ui-api";
import {
  UI_CALL_CHANNEL,
  UI_EVENT_CHANNEL,
  type DispatchResult,
  type GatehouseBridge,
} from "../shared/ui-bridge";

// The renderer's only door to the app: one call channel and one event stream. ipcRenderer
// itself stays here, so a page can never send on a channel of its own choosing.
const bridge: GatehouseBridge = {
  call: (method, args) =>
    ipcRenderer.invoke(UI_CALL_CHANNEL, method, args) as Promise<DispatchResult>,
  onEvent: (listener) => {
    const relay = (_event: unknown, event: UiEvent) => listener(event);
    ipcRenderer.on(UI_EVENT_CHANNEL, relay);
    return () => void ipcRenderer.removeListener(UI_EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld("gatehouse", bridge);
