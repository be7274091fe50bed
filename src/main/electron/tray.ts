import { clipboard, Menu, Notification, Tray, type MenuItemConstructorOptions } from "electron";
import type { GatewayStatus, UiApi, UiEvent } from "../../shared/ui-api";
import { trayIcon } from "./tray-icon";
import { trayMenuModel, type TrayAction, type TrayItem } from "./tray-menu";

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
 * The tray icon and its menu. The menu is rebuilt from the model on every status event, and
 * when the user clicks the icon, so the identity list is current after edits in the window.
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
        return options.openWindow();
      case "open-denials":
        return options.openDenialLog();
      case "set-paused":
        return refresh(await api.setPaused(action.paused));
      case "quit":
        return options.quit();
    }
  };

  const toMenuItem = (item: TrayItem): MenuItemConstructorOptions => {
    if (item.type === "separator") return { type: "separator" };
    const { action } = item;
    return {
      label: item.label,
      enabled: item.enabled,
      click:
        action &&
        (() => void perform(action).catch((error: Error) => tell("Gatehouse", error.message))),
    };
  };

  const render = async (known?: GatewayStatus) => {
    const [status, identities] = await Promise.all([known ?? api.status(), api.listIdentities()]);
    const model = trayMenuModel({
      status,
      identities: identities.map((identity) => identity.name),
      windowOpen: options.isWindowOpen(),
    });
    if (!tray.isDestroyed()) tray.setContextMenu(Menu.buildFromTemplate(model.map(toMenuItem)));
  };

  function refresh(status?: GatewayStatus): void {
    render(status).catch((error: Error) => tray.setToolTip(`Gatehouse: ${error.message}`));
  }

  const unsubscribe = options.subscribe((event) => {
    if (event.type === "status") refresh(event.status);
  });
  tray.on("click", () => refresh());
  refresh();

  return {
    refresh: () => refresh(),
    destroy: () => {
      unsubscribe();
      tray.destroy();
    },
  };
}
