import type { App } from "electron";
import { isAppPage } from "./app-protocol";

/**
 * Every web contents the app ever creates stays on the app's own page (app://gatehouse/): no
 * new windows, no navigation elsewhere, no redirects, no <webview>. A link or script that
 * tries is simply ignored, so a page from the network can never run where the preload bridge
 * is exposed. Navigating to the app's page itself (a reload of `/`) stays possible.
 */
export function confineWebContents(app: App): void {
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
    contents.on("will-navigate", (event) => {
      if (!isAppPage(event.url)) event.preventDefault();
    });
    contents.on("will-redirect", (event) => event.preventDefault());
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
}
