import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { freePort, ROOT, start, waitFor, type Running } from "../cli/helpers";
import { keychainReason } from "../setup/keychain";

/** The browser, the gateway and its targets share two noisy cores: a page gets seconds. */
export const UI_WAIT_MS = 15_000;
export const eventually = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: UI_WAIT_MS });

const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = join(ROOT, "test-results", "screenshots");
export const chromiumReason = existsSync(CHROMIUM)
  ? undefined
  : `Debian's Chromium is not installed at ${CHROMIUM} (apt-get install chromium; see .ci/run)`;

/**
 * The built gateway in web mode (`gatehouse -f config --admin-port`), with its data in
 * `dataDir`, and the one-time admin link it prints; `extraEnv` goes on top of its environment.
 */
export async function startWebGateway(
  configPath: string,
  dataDir: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ gateway: Running; link: string }> {
  const adminPort = await freePort();
  const env = {
    ...process.env,
    GATEHOUSE_DATA_DIR: dataDir,
    ...(keychainReason && { GATEHOUSE_KEYSTORE: "file" }),
    ...extraEnv,
  };
  const gateway = start(["-f", configPath, "--admin-port", String(adminPort)], { env });
  await waitFor("the admin UI link", () => /Admin UI: (\S+)/.test(gateway.stderr), 20_000);
  return { gateway, link: /Admin UI: (\S+)/.exec(gateway.stderr)?.[1] as string };
}

/** Headless Chromium with a page open on `link`. */
export async function openWebUi(link: string): Promise<{ browser: Browser; page: Page }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(link);
  return { browser, page };
}

/** A full-page screenshot in test-results/screenshots. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Clicks a sidebar link, e.g. "Config". */
export function navigate(page: Page, name: string): Promise<void> {
  return page.getByRole("link", { name, exact: true }).click();
}
