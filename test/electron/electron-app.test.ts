import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { _electron, type ElectronApplication, type JSHandle, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { electronBinary } from "../../scripts/electron-binary.js";
import type { GatehouseBridge } from "../../src/shared/ui-bridge";
import { freePort, ROOT } from "../cli/helpers";

/** The Electron binary, or why this machine cannot run the app (found as `npm start` does). */
function runnableElectron(): { path: string } | { reason: string } {
  const binary = electronBinary();
  if ("reason" in binary) return binary;
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: "there is no display (DISPLAY and WAYLAND_DISPLAY are not set)" };
  }
  if (!existsSync(join(ROOT, "out/main/index.js"))) {
    return { reason: "the app is not built (run npx electron-vite build)" };
  }
  return binary;
}

const electron = runnableElectron();
const skipReason = "reason" in electron ? electron.reason : undefined;

/**
 * The desktop app as a user starts it: one window on the built renderer, the bridge exposing
 * only `call` and `onEvent`, calls answered by the same backend as headless, navigation away
 * from the app refused, and a quit that stops the gateway.
 */
describe.skipIf(skipReason)(
  `the Electron app end to end${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let app: ElectronApplication;
    let page: Page;
    let bridge: JSHandle<GatehouseBridge>;
    let port: number;

    beforeAll(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-electron-"));
      port = await freePort();
      // The config `gatehouse init` would write is what the app serves: here, an empty route.
      writeFileSync(join(dataDir, "config.yaml"), `mcp:\n  port: ${port}\n  targets: []\n`);
      app = await _electron.launch({
        executablePath: (electron as { path: string }).path,
        args: [ROOT],
        env: { ...process.env, GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_KEYSTORE: "file" },
      });
      page = await app.firstWindow();
      await page.waitForLoadState("domcontentloaded");
      bridge = (await page.evaluateHandle("window.gatehouse")) as JSHandle<GatehouseBridge>;
    });
    afterAll(() => app?.close());

    it("opens the built renderer on app:// with a sandboxed, isolated page", async () => {
      expect(page.url()).toMatch(/^app:\/\/gatehouse\/(#.*)?$/);
      // The renderer's script and styles came over the app scheme: the page rendered.
      await page.locator("#root > *").first().waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        "undefined",
      );
      expect(await bridge.evaluate((gatehouse) => Object.keys(gatehouse).sort())).toEqual([
        "call",
        "onEvent",
      ]);
    });

    it("serves only the renderer's files, and grants the page no permission", async () => {
      const statuses = await page.evaluate(() =>
        Promise.all(
          ["/", "/../main/index.js", "/%2e%2e%2fmain%2findex.js"].map((path) =>
            fetch(`app://gatehouse${path}`).then((response) => response.status),
          ),
        ),
      );
      expect(statuses).toEqual([200, 404, 404]);
      const notifications = await page.evaluate(
        () =>
          (globalThis as unknown as { Notification: { permission: string } }).Notification
            .permission,
      );
      expect(notifications).toBe("denied");
    });

    it("answers UI calls over the bridge, validated in main", async () => {
      const status = await bridge.evaluate((gatehouse) => gatehouse.call("status", []));
      expect(status).toMatchObject({ ok: true, value: { paused: false } });
      expect(JSON.stringify(status)).toContain(`:${port}`);
      const invalid = await bridge.evaluate((gatehouse) => gatehouse.call("setPaused", ["yes"]));
      expect(invalid).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^invalid arguments to setPaused: argument 1: /),
      });
    });

    it("refuses to navigate away from the app or open other windows", async () => {
      const before = page.url();
      await page.evaluate(() => {
        const page = globalThis as unknown as {
          open(url: string): unknown;
          location: { href: string };
        };
        page.open("https://example.com/");
        page.location.href = "https://example.com/";
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
      expect(app.windows()).toHaveLength(1);
    });

    it("stops the gateway when it quits", async () => {
      await app.close();
      const refused = await fetch(`http://127.0.0.1:${port}/mcp`).then(
        () => false,
        () => true,
      );
      expect(refused).toBe(true);
    });
  },
);
