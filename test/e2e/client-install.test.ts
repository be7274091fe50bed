import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import { CLI, freePort, killAll, writeTemp } from "../cli/helpers";
import {
  chromiumReason,
  eventually,
  navigate,
  openWebUi,
  screenshot,
  startWebGateway,
} from "./web-harness";

/**
 * The Clients page's Install button in a real browser, against the built headless gateway: the
 * client's file appears in the (temporary) HOME with a token the gateway verifies.
 */
describe.skipIf(chromiumReason)(
  `installing a client from the web UI${chromiumReason ? ` (skipped: ${chromiumReason})` : ""}`,
  () => {
    let browser: Browser;
    let page: Page;
    let home: string;
    let port: number;

    beforeAll(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-install-"));
      home = mkdtempSync(join(tmpdir(), "gatehouse-e2e-home-"));
      const keystoreEnv = { GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_KEYSTORE: "file" };
      const issuer = await LocalIssuer.open(keystoreEnv);
      await issuer.keystore.create({ alg: "ES256" });
      await issuer.identities.save({ name: "alice", claims: { sub: "alice" } });
      port = await freePort();
      const config = writeTemp(
        "config.yaml",
        `mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: gatehouse.local
      audiences: [gatehouse]
      jwks:
        file: ${JSON.stringify(issuer.keystore.jwksPath)}
  targets:
    - name: demo
      stdio:
        cmd: ${JSON.stringify(process.execPath)}
        args: [${JSON.stringify(CLI)}, demo-server]
`,
      );
      const { link } = await startWebGateway(config, dataDir, {
        ...keystoreEnv,
        HOME: home,
        XDG_CONFIG_HOME: join(home, ".config"),
      });
      ({ browser, page } = await openWebUi(link));
    });

    afterAll(async () => {
      await browser?.close();
      await killAll();
    });

    it("writes Cursor's file with alice's token, and shows it set up with a token that verifies", async () => {
      await navigate(page, "Clients");
      const row = page.getByRole("row", { name: /Cursor/ });
      await eventually(() => row.textContent()).toContain(join(home, ".cursor", "mcp.json"));
      await page.getByLabel("Connect as").selectOption("alice");
      await page.getByRole("button", { name: "Install into Cursor" }).click();
      await eventually(() => row.textContent()).toMatch(/yes.*verifies \(alice\)/);
      await screenshot(page, "clients-installed");

      const written = JSON.parse(await readFile(join(home, ".cursor", "mcp.json"), "utf8"));
      expect(written.mcpServers.gatehouse).toEqual({
        url: `http://localhost:${port}/mcp`,
        headers: { Authorization: expect.stringMatching(/^Bearer ey/) },
      });
      await expect(page.getByRole("row", { name: /Windsurf/ }).textContent()).resolves.toMatch(
        /Windsurfno/,
      );
    });
  },
);
