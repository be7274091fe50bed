import { join } from "node:path";
import { app, BrowserWindow, dialog } from "electron";
import { GatehouseService } from "../app/service";

/**
 * The desktop shell: one instance, the same service as the headless mode, a window for the UI.
 * Quitting stops the gateway, which ends every stdio target it spawned.
 */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const root = app.getAppPath();
  const service = new GatehouseService({
    // The default config runs the demo server through the CLI, with Electron's binary as Node.
    env: {
      ...process.env,
      GATEHOUSE_NODE: process.execPath,
      GATEHOUSE_CLI: join(root, "out/main/cli.js"),
    },
  });
  let window: BrowserWindow | undefined;

  const openWindow = () => {
    window = new BrowserWindow({
      width: 1100,
      height: 760,
      title: "Gatehouse",
      webPreferences: {
        preload: join(root, "out/preload/index.cjs"),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    });
    void window.loadFile(join(root, "out/renderer/index.html"));
    window.on("closed", () => (window = undefined));
  };

  app.on("second-instance", () => (window ? window.focus() : openWindow()));
  app.on("before-quit", () => void service.stop());
  app.whenReady().then(async () => {
    try {
      await service.start();
    } catch (error) {
      dialog.showErrorBox("Gatehouse cannot start", (error as Error).message);
      app.quit();
      return;
    }
    openWindow();
  });
}
