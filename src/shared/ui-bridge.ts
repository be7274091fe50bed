/**
 * What the Electron preload puts on `window.gatehouse`: one call channel and one event stream.
 * The renderer wraps it into a UiClient; the admin HTTP API answers with the same results.
 */
import type { UiEvent } from "./ui-api";

/** A call's outcome as it crosses a process or network boundary: errors are messages. */
export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: string };

export interface GatehouseBridge {
  call(method: string, args: unknown[]): Promise<DispatchResult>;
  onEvent(listener: (event: UiEvent) => void): () => void;
}

/** The IPC channels the bridge uses; main registers the same names. */
export const UI_CALL_CHANNEL = "gatehouse:call";
export const UI_EVENT_CHANNEL = "gatehouse:event";
