import type { GatewayStatus, UiApi, UiEvent } from "../../shared/ui-api";
import { trayMenuModel, type TrayItem } from "./tray-menu";

export interface LiveTrayMenuOptions {
  api: Pick<UiApi, "status" | "listIdentities">;
  subscribe: (listener: (event: UiEvent) => void) => () => void;
  isWindowOpen: () => boolean;
  /** Given the menu whenever it changes; tray.ts turns it into Electron's menu. */
  show: (items: TrayItem[]) => void;
  /** Told when the menu cannot be read (a locked keychain, say). */
  fail: (error: Error) => void;
}

/**
 * The tray menu kept current: rebuilt when the gateway's status changes and when an identity
 * is saved or removed, since the tray's click cannot be relied on to refresh it (Linux's
 * AppIndicator never reports one, nor does macOS once a menu is set). When reads overlap, the
 * menu of the latest one is shown, never an older one that finished later.
 */
export function liveTrayMenu(options: LiveTrayMenuOptions): {
  refresh(status?: GatewayStatus): Promise<void>;
  close(): void;
} {
  let latest = 0;
  let closed = false;

  const refresh = async (known?: GatewayStatus): Promise<void> => {
    const read = ++latest;
    try {
      const [status, identities] = await Promise.all([
        known ?? options.api.status(),
        options.api.listIdentities(),
      ]);
      if (closed || read !== latest) return;
      options.show(
        trayMenuModel({
          status,
          identities: identities.map((identity) => identity.name),
          windowOpen: options.isWindowOpen(),
        }),
      );
    } catch (error) {
      if (!closed && read === latest) options.fail(error as Error);
    }
  };

  const unsubscribe = options.subscribe((event) => {
    if (event.type === "status") void refresh(event.status);
    else if (event.type === "identities-changed") void refresh();
  });

  return {
    refresh,
    close() {
      closed = true;
      unsubscribe();
    },
  };
}
