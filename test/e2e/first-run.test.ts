import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectAs,
  DEFAULT_PORT,
  startEmbeddedDefault,
  takeDefaultPortTurn,
} from "../cli/embedded-default";
import { killAll, portInUse } from "../cli/helpers";
import { chromiumReason, eventually, navigate, openWebUi, screenshot } from "./web-harness";

/**
 * A first run in the browser: Gatehouse without a config of one's own serves the embedded
 * default, whose Overview offers to connect as the demo identities; they see different tools,
 * and a denial in the live log leads in one click to the rule that decided it.
 */
describe.skipIf(chromiumReason)(
  `the first run in the web UI${chromiumReason ? ` (skipped: ${chromiumReason})` : ""}`,
  () => {
    let browser: Browser | undefined;
    let page: Page;
    let release: (() => Promise<void>) | undefined;
    let portTaken = false;

    beforeAll(async () => {
      release = await takeDefaultPortTurn();
      portTaken = await portInUse(DEFAULT_PORT);
      if (portTaken) return;
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-first-run-ui-"));
      const { link } = await startEmbeddedDefault({ ...process.env, GATEHOUSE_DATA_DIR: dataDir });
      ({ browser, page } = await openWebUi(link));
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await killAll();
      await release?.();
    });

    const tools = () => page.getByTestId("tool-list").textContent();

    it("the Overview's first-run card connects as alice and as bob, who see different tools", async (context) => {
      if (portTaken)
        context.skip("port 3000 is taken on this machine; the default config needs it");
      const card = page.getByRole("region", { name: "Try enforcement" });
      await eventually(() => card.isVisible()).toBe(true);
      await screenshot(page, "first-run-overview");

      await card.getByRole("link", { name: "Connect as alice" }).click();
      await eventually(tools).toContain("get-sum");
      expect(await tools()).toContain("get-time");
      expect(await tools()).toContain("echo");
      await screenshot(page, "first-run-alice");

      await navigate(page, "Overview");
      await page.getByRole("link", { name: "Connect as bob" }).click();
      await eventually(async () => (await tools())?.includes("get-sum") === false).toBe(true);
      expect(await tools()).toContain("echo");
      await screenshot(page, "first-run-bob");
    });

    it("one click from a denial in Requests lands on the rule that decided it", async (context) => {
      if (portTaken)
        context.skip("port 3000 is taken on this machine; the default config needs it");
      const anonymous = await connectAs();
      await expect(
        anonymous.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } }),
      ).rejects.toThrow(/Unknown tool: get-sum/);
      await anonymous.close();

      await navigate(page, "Requests");
      const denial = page
        .getByTestId("log-row")
        .filter({ hasText: "get-sum" })
        .filter({ hasText: "denied" })
        .first();
      await eventually(() => denial.isVisible()).toBe(true);
      await screenshot(page, "first-run-denial");
      await denial.getByRole("link", { name: /rule at line \d+/ }).click();

      await eventually(() => page.url()).toMatch(/#\/config\?line=\d+$/);
      const line = Number(/line=(\d+)$/.exec(page.url())?.[1]);
      const active = page.locator(".cm-activeLine");
      await eventually(() => active.textContent()).toContain("rules:");
      // The line the link named is the one shown: the gutter's active line number.
      expect(await page.locator(".cm-lineNumbers .cm-activeLineGutter").textContent()).toBe(
        String(line),
      );
      await screenshot(page, "first-run-rule");
    });
  },
);
