import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { app, dialog, ipcMain } from "electron";
import { resolveConfigPath } from "../app/initial-config";
import { LocalIssuer } from "../app/local-issuer";
import { GatehouseService } from "../app/service";
import { UiBackend } from "../app/api/ui-backend";
import { createDispatcher } from "../app/api/dispatch";
import { killProcessGroup } from "../gateway/relay/stdio-transport";
import { dataDir } from "../keystore/data-dir";
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
  const dir = dataDir(env);
  // As headless without -f: the config `gatehouse init` wrote, else the embedded default.
  const service = new GatehouseService({ env, configPath: resolveConfigPath(undefined, dir) });
  const backend = new UiBackend({ service, issuer: () => LocalIssuer.open(env), dataDir: dir });
  const subscribe = backend.subscribe.bind(backend);

  confineWebContents(app);
  registerUiIpc(ipcMain, createDispatcher(backend), isAppPage(pathToFileURL(indexPath).href));

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
    await backend.close();
    await service.stop();
  });
  // No orphans: if Electron exits without a clean stop, its stdio targets go with it, and so
  // does whatever they started (each leads its process group).
  process.on("exit", () => {
    for (const pid of service.gateway.targetPids()) killProcessGroup(pid, "SIGTERM");
  });

  app.whenReady().then(async () => {
    try {
      await service.start();
      await backend.start();
    } catch (error) {
      dialog.showErrorBox("Gatehouse cannot start", (error as Error).message);
      app.quit();
      return;
    }
    tray = createTray({
      api: backend,
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
