import { join } from "node:path";
import { app, dialog, ipcMain, protocol, session } from "electron";
import { createGatehouse } from "../app/gatehouse";
import { APP_ID } from "./app-id";
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  DENIAL_LOG_ROUTE,
  isAppPage,
  serveAppRequest,
} from "./app-protocol";
import { confineWebContents } from "./harden";
import { registerUiIpc } from "./ipc";
import { mainWindow } from "./main-window";
import { refuseAllPermissions } from "./permissions";
import { createTray } from "./tray";

// Windows files notifications under this id: it must be the installer's, and set before any.
if (process.platform === "win32") app.setAppUserModelId(APP_ID);
// Only possible before `ready`: the renderer's scheme must behave like https from the start.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/**
 * The desktop shell: one instance, the same service and UI backend as the headless mode, a
 * window for the UI and a tray menu. Closing the window keeps the gateway running in the tray;
 * quitting stops the gateway, which ends every stdio target it spawned.
 */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const root = app.getAppPath();
  const rendererDir = join(root, "out/renderer");
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
  registerUiIpc(ipcMain, gatehouse.dispatch, isAppPage);

  let tray: ReturnType<typeof createTray> | undefined;
  const window = mainWindow({
    preloadPath: join(root, "out/preload/index.cjs"),
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
    refuseAllPermissions(session.defaultSession);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
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
