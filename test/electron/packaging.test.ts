import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { join, relative } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { APP_ID } from "../../src/main/electron/app-id";
import { ROOT } from "../cli/helpers";

const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const config = parse(readFileSync(join(ROOT, "electron-builder.yml"), "utf8"));

/** The files the app loads at run time (desktop-app.ts, main-window.ts), beside package.json's main. */
const LOADED_AT_RUN_TIME = [
  packageJson.main.replace(/^\.\//, ""),
  "out/main/cli.js",
  "out/preload/index.cjs",
  "out/renderer/index.html",
];

/** electron-builder's own JSON schema for its configuration, as shipped with the version used. */
function builderSchema(): object {
  const builder = createRequire(join(ROOT, "package.json")).resolve(
    "electron-builder/package.json",
  );
  const schema = createRequire(builder).resolve("app-builder-lib/scheme.json");
  return JSON.parse(readFileSync(schema, "utf8"));
}

/** Whether an electron-builder `files` pattern of the form `dir/**` takes the file. */
const packs = (file: string) =>
  (config.files as string[]).some((pattern) => file.startsWith(pattern.replace(/\*\*$/, "")));

function builtFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(c|m)?js$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The packages the built main and preload code import by name (not Node's own modules). */
function importedPackages(): Set<string> {
  const specifier =
    /(?:^|[;}])\s*(?:import|export)\s[^;"']*?from\s*"([^"]+)"|\bimport\("([^"]+)"\)/gm;
  const names = new Set<string>();
  for (const file of [...builtFiles("out/main"), ...builtFiles("out/preload")]) {
    for (const match of readFileSync(join(ROOT, file), "utf8").matchAll(specifier)) {
      const name = match[1] ?? match[2] ?? "";
      if (name.startsWith(".") || isBuiltin(name)) continue;
      names.add(
        name
          .split("/")
          .slice(0, name.startsWith("@") ? 2 : 1)
          .join("/"),
      );
    }
  }
  return names;
}

describe("the installer configuration, electron-builder.yml (checked only: the installers themselves are not built on these machines, which have no Electron binary)", () => {
  it("is valid by electron-builder's own schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(builderSchema());
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it("builds AppImage and deb on Linux, a dmg on macOS and an NSIS installer on Windows", () => {
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.mac.target).toBe("dmg");
    expect(config.win.target).toBe("nsis");
    expect(packageJson.scripts.dist).toBe("npm run build && electron-builder");
  });

  it("names the app with the id it gives Windows for notifications", () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe("Gatehouse");
  });

  it("gives the .deb what electron-builder requires of it: a maintainer and a homepage", () => {
    expect(config.linux.maintainer).toMatch(/^.+ <.+@.+>$/);
    expect(config.extraMetadata?.homepage ?? packageJson.homepage).toMatch(/^https:\/\//);
  });

  it("packages every file the app loads, and they exist after npm run build", () => {
    // A native addon (the keychain's) is loaded from disk, never from inside the asar archive.
    expect(config.asarUnpack).toContain("**/*.node");
    for (const file of LOADED_AT_RUN_TIME) {
      expect(packs(file), `${file} is in files`).toBe(true);
      expect(existsSync(join(ROOT, file)), `${file} exists (run npm run build)`).toBe(true);
    }
    // The renderer's own references resolve inside the packaged folder.
    const page = readFileSync(join(ROOT, "out/renderer/index.html"), "utf8");
    const assets = [...page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(existsSync(join(ROOT, "out/renderer", asset ?? "")), asset).toBe(true);
    }
  });

  it("ships every package the built code imports: installers carry only production dependencies", () => {
    const shipped = new Set([
      ...Object.keys(packageJson.dependencies ?? {}),
      ...Object.keys(packageJson.optionalDependencies ?? {}),
      "electron", // provided by the app's own runtime
    ]);
    const imported = importedPackages();
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((name) => !shipped.has(name))).toEqual([]);
  });
});
