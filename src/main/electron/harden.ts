import type { App } from "electron";

/**
 * Every web contents the app ever creates stays on the app's own page: no new windows, no
 * navigation elsewhere, no <webview>. A link or script that tries is simply ignored, so a
 * page from the network can never run where the preload bridge is exposed.
 */
export function confineWebContents(app: App): void {
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
    contents.on("will-navigate", (event) => event.preventDefault());
    contents.on("will-redirect", (event) => event.preventDefault());
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
}
