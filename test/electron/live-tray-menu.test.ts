import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGatehouse, type Gatehouse } from "../../src/main/app/gatehouse";
import { liveTrayMenu } from "../../src/main/electron/live-tray-menu";
import type { TrayItem } from "../../src/main/electron/tray-menu";
import { freePort } from "../cli/helpers";

const tokenLabels = (items: TrayItem[] | undefined) =>
  (items ?? []).flatMap((item) =>
    item.type === "normal" && item.action?.action === "copy-token" ? [item.label] : [],
  );

/**
 * The tray's menu fed by a real Gatehouse, as the desktop app feeds it: identities saved or
 * removed through the UI API appear in or leave the menu without a click on the icon.
 */
describe("the live tray menu", () => {
  let dir: string;
  let gatehouse: Gatehouse;
  const shown: TrayItem[][] = [];
  const failures: Error[] = [];
  let menu: ReturnType<typeof liveTrayMenu>;
  const latest = () => shown.at(-1);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-tray-"));
    const config = join(dir, "config.yaml");
    await writeFile(config, `mcp:\n  port: ${await freePort()}\n  targets: []\n`);
    gatehouse = createGatehouse({
      configPath: config,
      env: { ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_KEYSTORE: "file" },
    });
    await gatehouse.start();
    menu = liveTrayMenu({
      api: gatehouse.api,
      subscribe: gatehouse.subscribe,
      isWindowOpen: () => false,
      show: (items) => shown.push(items),
      fail: (error) => failures.push(error),
    });
    await menu.refresh();
  });
  afterAll(async () => {
    menu?.close();
    await gatehouse?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts with no identity to copy a token for", () => {
    expect(tokenLabels(latest())).toEqual([]);
    expect(
      latest()?.some((item) => item.type === "normal" && item.label === "No identities yet"),
    ).toBe(true);
  });

  it("shows an identity saved in the window, and drops it once removed", async () => {
    await gatehouse.api.saveIdentity({ name: "carol", claims: { sub: "carol" } });
    await vi.waitFor(() => expect(tokenLabels(latest())).toEqual(["Copy token for carol"]), {
      timeout: 10_000,
    });

    await gatehouse.api.saveIdentity({ name: "ci-bot", claims: { sub: "ci-bot" } });
    await vi.waitFor(
      () =>
        expect(tokenLabels(latest())).toEqual(["Copy token for carol", "Copy token for ci-bot"]),
      { timeout: 10_000 },
    );

    await gatehouse.api.removeIdentity("carol");
    await vi.waitFor(() => expect(tokenLabels(latest())).toEqual(["Copy token for ci-bot"]), {
      timeout: 10_000,
    });
    expect(failures).toEqual([]);
  });

  it("follows the gateway's status too: pausing shows Resume", async () => {
    await gatehouse.api.setPaused(true);
    const labelled = (label: string) =>
      latest()?.some((item) => item.type === "normal" && item.label === label);
    await vi.waitFor(() => expect(labelled("Resume gateway")).toBe(true), { timeout: 10_000 });
    await gatehouse.api.setPaused(false);
    await vi.waitFor(() => expect(labelled("Pause gateway")).toBe(true), { timeout: 10_000 });
  });

  it("shows nothing more once closed", async () => {
    menu.close();
    const count = shown.length;
    await gatehouse.api.saveIdentity({ name: "dave", claims: { sub: "dave" } });
    await menu.refresh();
    expect(shown.length).toBe(count);
  });
});
