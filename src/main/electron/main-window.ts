import { BrowserWindow } from "electron";
import type { UiEvent } from "../../shared/ui-api";
import { appPageUrl } from "./app-protocol";
import { forwardEvents } from "./ipc";

export interface MainWindowOptions {
  preloadPath: string;
  subscribe: (listener: (event: UiEvent) => void) => () => void;
  onClosed: () => void;
}

/**
 * The one app window, created on demand and forgotten when closed (the tray keeps the app
 * running). `show(route)` opens it, or brings it forward, at a renderer hash route; the page
 * is served on the app scheme (see app-protocol.ts), which must be handled before.
 */
export function mainWindow(options: MainWindowOptions) {
  let window: BrowserWindow | undefined;

  const create = () => {
    const created = new BrowserWindow({
      width: 1100,
      height: 760,
      title: "Gatehouse",
      show: false,
      webPreferences: {
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    const stopForwarding = forwardEvents(options.subscribe, (channel, event) => {
      if (!created.webContents.isDestroyed()) created.webContents.send(channel, event);
    });
    created.once("ready-to-show", () => created.show());
    created.on("closed", () => {
      stopForwarding();
      window = undefined;
      options.onClosed();
    });
    return created;
  };

  return {
    isOpen: () => window !== undefined,
    show(route?: string): void {
      const isNew = window === undefined;
      window ??= create();
      if (isNew || route !== undefined) {
        void window.loadURL(appPageUrl(route));
      }
      if (!isNew) {
        if (window.isMinimized()) window.restore();
        window.focus();
      }
    },
  };
}
