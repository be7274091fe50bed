import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_SCHEME_PRIVILEGES,
  DENIAL_LOG_ROUTE,
  appPageUrl,
  isAppPage,
  resolveAppFile,
  serveAppRequest,
} from "../../src/main/electron/app-protocol";

/** A renderer folder as the build leaves it, beside a secret the page must never read. */
let root: string;
let renderer: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "gatehouse-app-protocol-"));
  renderer = join(root, "renderer");
  await mkdir(join(renderer, "assets"), { recursive: true });
  await writeFile(join(renderer, "index.html"), "<!doctype html><title>Gatehouse</title>");
  await writeFile(join(renderer, "assets", "index-abc.js"), "console.log(1)");
  await writeFile(join(renderer, "assets", "index-abc.css"), "body{}");
  await writeFile(join(root, "secret.txt"), "private");
});
afterAll(() => rm(root, { recursive: true, force: true }));

const get = (url: string, method = "GET") =>
  serveAppRequest(new Request(url, { method }), renderer);

describe("the app:// scheme that serves the renderer", () => {
  it("is registered like https: standard, secure, with fetch", () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: "app",
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });

  it("maps the root to index.html and an asset path to that file, typed by extension", () => {
    expect(resolveAppFile("app://gatehouse/", renderer)).toEqual({
      found: true,
      path: join(renderer, "index.html"),
      contentType: "text/html; charset=utf-8",
    });
    expect(resolveAppFile("app://gatehouse/#/requests?denied=1", renderer)).toMatchObject({
      path: join(renderer, "index.html"),
    });
    expect(resolveAppFile("app://gatehouse/assets/index-abc.js?v=1", renderer)).toEqual({
      found: true,
      path: join(renderer, "assets", "index-abc.js"),
      contentType: "text/javascript; charset=utf-8",
    });
    expect(resolveAppFile("app://gatehouse/assets/index-abc.css", renderer)).toMatchObject({
      contentType: "text/css; charset=utf-8",
    });
    expect(resolveAppFile("app://gatehouse/assets/font.woff2", renderer)).toMatchObject({
      contentType: "font/woff2",
    });
    expect(resolveAppFile("app://gatehouse/assets/blob.bin", renderer)).toMatchObject({
      contentType: "application/octet-stream",
    });
  });

  it("refuses every path that could leave the renderer's folder, and other hosts", () => {
    for (const url of [
      "app://gatehouse/assets/%2e%2e%2f..%2fsecret.txt",
      "app://gatehouse/..%2fsecret.txt",
      "app://gatehouse/%2E%2E%5Csecret.txt",
      "app://gatehouse/assets/..%5C..%5Csecret.txt",
      "app://gatehouse//etc/passwd",
      "app://gatehouse/%2fetc%2fpasswd",
      "app://gatehouse/C:/Windows/win.ini",
      "app://gatehouse/a%00.js",
      "app://gatehouse/%E0%A4%A",
      "app://gatehouse/assets/",
      "app:///etc/passwd",
      "app://evil/index.html",
      "app://gatehouse:8080/index.html",
      "file:///etc/passwd",
      "https://gatehouse/index.html",
      "not a url",
    ]) {
      expect(resolveAppFile(url, renderer), url).toMatchObject({ found: false });
    }
    // Plain dot segments are resolved by the URL parser itself, inside the folder.
    const dotted = resolveAppFile("app://gatehouse/assets/../../secret.txt", renderer);
    expect(dotted).toMatchObject({ found: true, path: join(renderer, "secret.txt") });
  });

  it("serves the files with their type, and answers 404 for anything refused or missing", async () => {
    const page = await get("app://gatehouse/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await page.text()).toContain("<title>Gatehouse</title>");

    const script = await get("app://gatehouse/assets/index-abc.js");
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toBe("console.log(1)");

    for (const url of [
      "app://gatehouse/assets/%2e%2e%2f..%2fsecret.txt",
      "app://gatehouse/../secret.txt",
      "app://gatehouse/assets/missing.js",
      "app://other/index.html",
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain("private");
    }
  });

  it("answers HEAD without a body and refuses writes", async () => {
    const head = await get("app://gatehouse/assets/index-abc.js", "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
    expect(await head.text()).toBe("");
    const post = await get("app://gatehouse/index.html", "POST");
    expect(post.status).toBe(405);
  });

  it("trusts the app's page at any hash route, and no other page or file", () => {
    expect(appPageUrl()).toBe("app://gatehouse/");
    expect(appPageUrl(DENIAL_LOG_ROUTE)).toBe("app://gatehouse/#/requests?denied=1");
    expect(isAppPage(appPageUrl(DENIAL_LOG_ROUTE))).toBe(true);
    expect(isAppPage("app://gatehouse/index.html")).toBe(true);
    for (const url of [
      "app://gatehouse/assets/index-abc.js",
      "app://evil/",
      "app://gatehouse.evil/",
      "file:///opt/Gatehouse/resources/app/out/renderer/index.html",
      "https://gatehouse/",
      "",
    ]) {
      expect(isAppPage(url), url).toBe(false);
    }
  });
});
