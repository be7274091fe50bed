// Where the Electron binary is, or why there is none, without ever starting a download.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The electron package is not `require`d for this: requiring it without a binary downloads one
 * from GitHub, synchronously, which hangs (or fails after minutes) where GitHub is out of reach.
 * Its `path.txt` (written once the download has succeeded) and `dist` folder are read instead,
 * honouring ELECTRON_OVERRIDE_DIST_PATH as the package does.
 *
 * @returns {{ path: string } | { reason: string }}
 */
export function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve("electron/package.json"));
  } catch {
    return { reason: "the electron package is not installed (run npm install)" };
  }
  const pathFile = join(packageDir, "path.txt");
  const name = existsSync(pathFile) ? readFileSync(pathFile, "utf8").trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const path = join(override, name || "electron");
    return existsSync(path)
      ? { path }
      : { reason: `there is no Electron binary at ${path} (ELECTRON_OVERRIDE_DIST_PATH)` };
  }
  const path = name && join(packageDir, "dist", name);
  if (!path || !existsSync(path)) {
    return {
      reason:
        "the Electron binary is not installed (npm install downloads it from GitHub; " +
        "run `npx install-electron` where GitHub can be reached)",
    };
  }
  return { path };
}
