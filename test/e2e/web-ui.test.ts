import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, freePort, killAll } from "../cli/helpers";
import { postInitialize } from "../relay/harness";
import {
  chromiumReason,
  eventually,
  navigate,
  openWebUi,
  screenshot,
  startWebGateway,
} from "./web-harness";

/**
 * The whole product through its web UI, in a real browser, against a real headless gateway:
 * create a key and an identity, mint a token, connect as that caller, see a refused call in
 * the live log, and apply an invalid config that changes nothing.
 */
describe.skipIf(chromiumReason)(
  `the web UI end to end${chromiumReason ? ` (skipped: ${chromiumReason})` : ""}`,
  () => {
    let browser: Browser;
    let page: Page;
    let port: number;
    let configPath: string;
    const shot = (name: string) => screenshot(page, name);
    const nav = (name: string) => navigate(page, name);

    beforeAll(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
      // The keystore starts empty: the gateway trusts its (empty) JWKS until a key is created.
      writeFileSync(join(dataDir, "jwks.json"), '{"keys":[]}');
      port = await freePort();
      configPath = join(dataDir, "config.yaml");
      writeFileSync(
        configPath,
        `# The e2e config: only the keystore's tokens, and tools per team.
mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: gatehouse.local
      audiences: [gatehouse]
      jwks:
        file: ${JSON.stringify(join(dataDir, "jwks.json"))}
    mcpAuthorization:
      rules:
        - 'mcp.tool.name == "echo"'
        - 'jwt.team == "dev" && mcp.tool.name == "get-sum"'
  targets:
    - name: demo
      stdio:
        cmd: ${JSON.stringify(process.execPath)}
        args: [${JSON.stringify(CLI)}, demo-server]
`,
      );
      const { link } = await startWebGateway(configPath, dataDir);
      ({ browser, page } = await openWebUi(link));
    });

    afterAll(async () => {
      await browser?.close();
      await killAll();
    });

    it("opens on the overview: the endpoint, the route's policies, the demo target", async () => {
      await eventually(() => page.getByText(`localhost:${port}/mcp`).first().isVisible()).toBe(
        true,
      );
      await eventually(() => page.getByText("mcpAuthorization").first().isVisible()).toBe(true);
      await eventually(() => page.getByText("demo").first().isVisible()).toBe(true);
      await shot("overview");
    });

    it("creates a signing key", async () => {
      await nav("Keys");
      await page.getByRole("button", { name: "Create key" }).first().click();
      const dialogCreate = page.getByRole("dialog").getByRole("button", { name: /create/i });
      if (await dialogCreate.count()) await dialogCreate.first().click();
      await eventually(() => page.getByText("active").first().isVisible()).toBe(true);
      await shot("keys");
    });

    it("saves an identity and mints a token for it", async () => {
      await nav("Tokens");
      await page.getByRole("button", { name: "New identity" }).click();
      const form = page.getByRole("form", { name: "Identity" });
      await form.getByLabel("Name", { exact: true }).fill("alice");
      await form.getByLabel("Claims (JSON)").fill('{"team": "dev"}');
      await form.getByRole("button", { name: "Save identity" }).click();
      await eventually(() => page.getByRole("button", { name: /alice/ }).first().isVisible()).toBe(
        true,
      );
      await page.getByRole("button", { name: "Mint token" }).click();
      await eventually(
        async () => (await page.getByTestId("minted-token").textContent())?.split(".").length,
      ).toBe(3);
      await shot("tokens");
    });

    it("connects as alice in the playground and sees the tools her team may use", async () => {
      await nav("Playground");
      await page.getByRole("combobox", { name: "Identity" }).selectOption("alice");
      await page.getByRole("button", { name: "Connect" }).click();
      const tools = page.getByTestId("tool-list");
      await eventually(() => tools.textContent()).toContain("get-sum");
      expect(await tools.textContent()).toContain("echo");
      expect(await tools.textContent()).not.toContain("get-time");
      await shot("playground");
    });

    it("a refused request appears in the live log with its reason", async () => {
      // A caller without a token: refused by jwtAuth, logged as a denial.
      expect((await postInitialize(`http://127.0.0.1:${port}/mcp`)).status).toBe(401);
      await nav("Requests");
      const row = page.getByTestId("log-row").filter({ hasText: "401" }).first();
      await eventually(() => row.isVisible()).toBe(true);
      await row.click();
      await eventually(() => page.getByText("no bearer token found").first().isVisible()).toBe(
        true,
      );
      await shot("requests");
    });

    it("shows the access matrix and the client setup", async () => {
      await nav("Access");
      await eventually(() => page.getByText("get-sum").first().isVisible()).toBe(true);
      await shot("access");
      await nav("Clients");
      await eventually(() => page.getByText("Cursor").first().isVisible()).toBe(true);
      await shot("clients");
    });

    it("reports an invalid config where it is wrong, applies nothing, and the gateway keeps serving", async () => {
      await nav("Config");
      const editor = page.locator(".cm-content").first();
      await eventually(() => editor.isVisible()).toBe(true);
      await editor.click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("\n  colour: blue\n");
      const problems = page.getByTestId("config-problems");
      await eventually(() => problems.textContent()).toContain('unknown key "colour"');
      await shot("config");
      const apply = page.getByRole("button", { name: "Apply" });
      if (await apply.isEnabled()) await apply.click();
      expect(readFileSync(configPath, "utf8")).not.toContain("colour");
      expect((await postInitialize(`http://127.0.0.1:${port}/mcp`)).status).toBe(401);
    });
  },
);
