import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { app, dialog, ipcMain } from "electron";
import { createGatehouse } from "../app/gatehouse";
import { confineWebContents } from "./harden";
import { isAppPage, registerUiIpc } from "./ipc";
import { DENIAL_LOG_ROUTE, mainWindow } from "./main-window";
import { createTray } from "./tray";

/**
 * The desktop shell: one instance, the same service and UI backend as the headless mode, a
 * window for the UI and a tray menu. Closing the window keeps the gateway running in the tray;
 * quitting stops the gateway, which ends every stdio target it spawned.
 */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const root = app.getAppPath();
  const indexPath = join(root, "out/renderer/index.html");
  // The default config runs the demo server through the CLI, with Electron's binary as Node.
  const env = {
    ...process.env,
    GATEHOUSE_NODE: process.execPath,
    GATEHOUSE_CLI: join(root, "out/main/cli.js"),
  };
  // As headless without -f: the config `gatehouse init` wrote, else the embedded default.
  const gatehouse = createGatehouse({ env });
  const { subscribe } = gatehouse;

  confineWebContents(app);
  registerUiIpc(ipcMain, gatehouse.dispatch, isAppPage(pathToFileURL(indexPath).href));

  let tray: ReturnType<typeof createTray> | undefined;
  const window = mainWindow({
    preloadPath: join(root, "out/preload/index.cjs"),
    indexPath,
    subscribe,
    onClosed: () => tray?.refresh(),
  });

  app.on("second-instance", () => window.show());
  app.on("activate", () => window.show());
  // Without this handler Electron quits when the last window closes; the tray keeps running.
  app.on("window-all-closed", () => undefined);
  quitAfterStopping(async () => {
    tray?.destroy();
    await gatehouse.stop();
  });

  app.whenReady().then(async () => {
    try {
      await gatehouse.start();
    } catch (error) {
      dialog.showErrorBox("Gatehouse cannot start", (error as Error).message);
      app.quit();
      return;
    }
    tray = createTray({
      api: gatehouse.api,
      subscribe,
      isWindowOpen: window.isOpen,
      openWindow: () => window.show(),
      openDenialLog: () => window.show(DENIAL_LOG_ROUTE),
      quit: () => app.quit(),
    });
    window.show();
  });
}

/** Holds the first quit until `stop` has finished (children ended), then quits for real. */
function quitAfterStopping(stop: () => Promise<void>): void {
  let stopping = false;
  app.on("before-quit", (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    // A failing stop must not keep the app alive: the exit handler still ends the children.
    stop()
      .catch(() => undefined)
      .finally(() => app.quit());
  });
}
