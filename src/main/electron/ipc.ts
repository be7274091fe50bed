import type { UiEvent } from "../../shared/ui-api";
import { UI_CALL_CHANNEL, UI_EVENT_CHANNEL, type DispatchResult } from "../../shared/ui-bridge";
import type { Dispatch } from "../app/api/dispatch";

/** The part of Electron's ipcMain this module uses, so tests can run it under plain Node. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<DispatchResult>,
  ): void;
  removeHandler(channel: string): void;
}

export interface InvokeEventLike {
  /** The frame that called; null once it has navigated away or been destroyed. */
  senderFrame: { url: string } | null;
}

/**
 * Answers the renderer's calls on `gatehouse:call`. Only the app's own page may call: any other
 * frame (an embedded or navigated-to page) is refused before its arguments are looked at.
 * Returns a function that unregisters the handler.
 */
export function registerUiIpc(
  ipc: IpcMainLike,
  dispatch: Dispatch,
  isTrustedSender: (frameUrl: string) => boolean,
): () => void {
  ipc.handle(UI_CALL_CHANNEL, async (event, method, args) => {
    const url = event.senderFrame?.url;
    if (url === undefined || !isTrustedSender(url)) {
      return { ok: false, error: "refused: this page may not call Gatehouse" };
    }
    return dispatch(method, args);
  });
  return () => ipc.removeHandler(UI_CALL_CHANNEL);
}

/** Pushes every UI event to the window on `gatehouse:event`; returns the unsubscribe. */
export function forwardEvents(
  subscribe: (listener: (event: UiEvent) => void) => () => void,
  send: (channel: string, event: UiEvent) => void,
): () => void {
  return subscribe((event) => send(UI_EVENT_CHANNEL, event));
}
