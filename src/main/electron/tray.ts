import { clipboard, Menu, Notification, Tray, type MenuItemConstructorOptions } from "electron";
import type { UiApi, UiEvent } from "../../shared/ui-api";
import { liveTrayMenu } from "./live-tray-menu";
import { trayIcon } from "./tray-icon";
import { TRAY_CLICK_ACTION, type TrayAction, type TrayItem } from "./tray-menu";

export interface TrayOptions {
  api: UiApi;
  subscribe: (listener: (event: UiEvent) => void) => () => void;
  isWindowOpen: () => boolean;
  openWindow: () => void;
  openDenialLog: () => void;
  quit: () => void;
}

/** How long a token copied from the tray lives: a working day. */
const TRAY_TOKEN_TTL = "8h";

/**
 * The tray icon and its menu, kept current by liveTrayMenu. Everything the icon does is in the
 * menu, since only some platforms report a click on the icon.
 */
export function createTray(options: TrayOptions): { refresh(): void; destroy(): void } {
  const { api } = options;
  const tray = new Tray(trayIcon());
  tray.setToolTip("Gatehouse");

  // Some Linux desktops have no notification service: the tooltip then carries the message.
  const tell = (title: string, body: string) => {
    if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
    else tray.setToolTip(`${title}. ${body}`);
  };

  const copyToken = async (identity: string) => {
    try {
      const minted = await api.mintToken(identity, null, TRAY_TOKEN_TTL);
      clipboard.writeText(minted.token);
      tell(`Token for ${identity} copied`, `It expires at ${minted.expiresAt}.`);
    } catch (error) {
      tell(`No token for ${identity}`, (error as Error).message);
    }
  };

  const perform = async (action: TrayAction): Promise<void> => {
    switch (action.action) {
      case "copy-token":
        return copyToken(action.identity);
      case "open-window":
        options.openWindow();
        return menu.refresh(); // it now says "Show Gatehouse"
      case "open-denials":
        options.openDenialLog();
        return menu.refresh();
      case "set-paused":
        return menu.refresh(await api.setPaused(action.paused));
      case "quit":
        return options.quit();
    }
  };
  const performReporting = (action: TrayAction) =>
    void perform(action).catch((error: Error) => tell("Gatehouse", error.message));

  const toMenuItem = (item: TrayItem): MenuItemConstructorOptions => {
    if (item.type === "separator") return { type: "separator" };
    const { action } = item;
    return {
      label: item.label,
      enabled: item.enabled,
      click: action && (() => performReporting(action)),
    };
  };

  const menu = liveTrayMenu({
    api,
    subscribe: options.subscribe,
    isWindowOpen: options.isWindowOpen,
    show: (items) => {
      if (!tray.isDestroyed()) tray.setContextMenu(Menu.buildFromTemplate(items.map(toMenuItem)));
    },
    fail: (error) => tray.setToolTip(`Gatehouse: ${error.message}`),
  });
  tray.on("click", () => performReporting(TRAY_CLICK_ACTION));
  void menu.refresh();

  return {
    refresh: () => void menu.refresh(),
    destroy: () => {
      menu.close();
      tray.destroy();
    },
  };
}
