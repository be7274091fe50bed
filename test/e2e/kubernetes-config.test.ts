import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { freePort, killAll } from "../cli/helpers";
import {
  agentgatewayJwtPolicy,
  gatewayResource,
  httpRouteResource,
  mcpBackendResource,
  resourceSet,
} from "../kubernetes/guide-resources";
import { postInitialize, startEverythingHttp } from "../relay/harness";
import {
  chromiumReason,
  eventually,
  navigate,
  openWebUi,
  screenshot,
  startWebGateway,
  UI_WAIT_MS,
} from "./web-harness";

/**
 * agentgateway resources a cluster would run: a Gateway, an MCP backend with a target this
 * machine can reach and one only a cluster has (a label selector: a TODO), its HTTPRoute at
 * /tools, and a JWT policy on the route.
 */
function resources(port: number, upstream: URL, jwks: string): string {
  return resourceSet(
    gatewayResource(port),
    mcpBackendResource({ name: "tools", url: upstream, clusterOnlyTarget: "in-cluster" }),
    httpRouteResource({ name: "tools", path: "/tools", backend: "tools" }),
    agentgatewayJwtPolicy({
      target: { kind: "HTTPRoute", name: "tools" },
      issuer: "k8s.example",
      jwks,
    }),
  );
}

/**
 * The Config page's Kubernetes bridge in a real browser against the built gateway: import a
 * resource file as an unsaved edit, see its TODO, apply it and reach the new route; then export
 * the served config and download it.
 */
describe.skipIf(chromiumReason)(
  `the Config page imports and exports Kubernetes resources${chromiumReason ? ` (skipped: ${chromiumReason})` : ""}`,
  () => {
    let browser: Browser;
    let page: Page;
    let issuer: TestIssuer;
    let upstream: Awaited<ReturnType<typeof startEverythingHttp>>;
    let dataDir: string;
    let configPath: string;
    let resourcesPath: string;
    let importedPort: number;

    const shot = (name: string) => screenshot(page, name);

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-k8s-"));
      issuer = await testIssuer("k8s.example");
      upstream = await startEverythingHttp("streamableHttp");
      importedPort = await freePort();
      resourcesPath = join(dataDir, "resources.yaml");
      writeFileSync(
        resourcesPath,
        resources(importedPort, new URL(upstream.url), JSON.stringify(issuer.jwks)),
      );
      configPath = join(dataDir, "config.yaml");
      writeFileSync(
        configPath,
        `# Before the import: one open route to the same server.
mcp:
  port: ${await freePort()}
  targets:
    - name: before
      mcp:
        host: ${upstream.url}
`,
      );
      const { link } = await startWebGateway(configPath, dataDir);
      ({ browser, page } = await openWebUi(link));
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await killAll();
      upstream?.stop();
    });

    it("imports a resource file into the editor, with its TODO, and writes nothing yet", async () => {
      await navigate(page, "Config");
      const editor = page.locator(".cm-content").first();
      await eventually(() => editor.textContent()).toContain("name: before");

      await page.getByLabel("Kubernetes resource files").setInputFiles(resourcesPath);
      const notes = page.getByTestId("kubernetes-notes");
      await eventually(() => notes.textContent()).toContain(
        'target "in-cluster" selects Services by label',
      );
      expect(await notes.textContent()).toContain(
        "resources.yaml:26:11 spec.mcp.targets[1].selector",
      );
      await eventually(() => editor.textContent()).toContain("pathPrefix: /tools");
      expect(await editor.textContent()).toContain(`port: ${importedPort}`);
      expect(readFileSync(configPath, "utf8")).toContain("name: before");
      await eventually(() => page.getByText("✓ Valid").isVisible()).toBe(true);
      await shot("config-k8s-imported");
    });

    it("applies the import, and the gateway serves the route with its JWT policy", async () => {
      const apply = page.getByRole("button", { name: "Apply" });
      await eventually(() => apply.isEnabled()).toBe(true);
      await apply.click();
      await eventually(() => readFileSync(configPath, "utf8")).toContain("pathPrefix: /tools");

      const endpoint = `http://127.0.0.1:${importedPort}/tools`;
      await eventually(
        async () => (await postInitialize(endpoint).catch(() => undefined))?.status,
      ).toBe(401);
      const token = await issuer.sign({ sub: "alice" });
      const allowed = await postInitialize(endpoint, { Authorization: `Bearer ${token}` });
      expect(allowed.status).toBe(200);

      await navigate(page, "Overview");
      await eventually(() =>
        page.getByText(`localhost:${importedPort}/tools`).first().isVisible(),
      ).toBe(true);
      await eventually(() => page.getByText("jwtAuth").first().isVisible()).toBe(true);
      await eventually(() => page.getByText(upstream.url).first().isVisible()).toBe(true);
      await shot("overview-k8s-route");
    });

    it("exports the served config, shows it in a dialog and downloads gatehouse-k8s.yaml", async () => {
      await navigate(page, "Config");
      await page.getByRole("button", { name: "Export to Kubernetes" }).click();
      const dialog = page.getByRole("dialog", { name: "Export to Kubernetes" });
      const yaml = dialog.getByLabel("Kubernetes resources");
      await eventually(() => yaml.textContent()).toContain("kind: HTTPRoute");
      expect(await yaml.textContent()).toContain("namespace: default");

      await dialog.getByLabel("Namespace").fill("tools");
      await eventually(() => yaml.textContent().catch(() => "")).toContain("namespace: tools");
      await shot("config-k8s-export");

      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: UI_WAIT_MS }),
        dialog.getByRole("button", { name: "Download" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("gatehouse-k8s.yaml");
      const saved = readFileSync(await download.path(), "utf8");
      expect(saved).toContain("kind: AgentgatewayBackend");
      expect(saved).toContain("namespace: tools");

      await page.keyboard.press("Escape");
      await eventually(() => dialog.isVisible()).toBe(false);
    });

    it("says in words why a file that is not YAML is not imported", async () => {
      const broken = join(dataDir, "broken.yaml");
      writeFileSync(broken, "kind: [HTTPRoute\n");
      await page.getByLabel("Kubernetes resource files").setInputFiles(broken);
      await eventually(() => page.getByRole("alert").first().textContent()).toContain(
        "Not imported, the editor is unchanged: the files cannot be imported as Kubernetes resources",
      );
      expect(await page.getByRole("alert").first().textContent()).toContain("broken.yaml:");
      await shot("config-k8s-import-error");
    });
  },
);
