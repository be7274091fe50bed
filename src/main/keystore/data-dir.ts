import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { posix, win32 } from "node:path";

/**
 * The folder of Gatehouse's own files (public keys, identities, the init config):
 * `GATEHOUSE_DATA_DIR` if set, else the platform's place for per-user app data. `platform` is
 * a parameter so that every platform's rule can be tested on any machine.
 */
export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.GATEHOUSE_DATA_DIR) return env.GATEHOUSE_DATA_DIR;
  const name = platform === "win32" || platform === "darwin" ? "Gatehouse" : "gatehouse";
  return pathFor(platform).join(userAppDataDir(env, platform), name);
}

/** The user's home folder: USERPROFILE on Windows, HOME elsewhere, as the OS's own tools read it. */
export function homeDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return (platform === "win32" ? env.USERPROFILE : env.HOME) || homedir();
}

/**
 * Where desktop apps keep per-user settings (Electron's `appData`): %APPDATA% on Windows,
 * ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere.
 */
export function userAppDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = homeDir(env, platform);
  if (platform === "win32") return env.APPDATA || win32.join(home, "AppData", "Roaming");
  if (platform === "darwin") return posix.join(home, "Library", "Application Support");
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  return env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : posix.join(home, ".config");
}

/** Paths as the platform writes them, whatever machine computes them. */
export function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === "win32" ? win32 : posix;
}

/**
 * Creates the data folder (and missing parents) readable by its owner only: it holds the
 * key metadata and, with GATEHOUSE_KEYSTORE=file, the private keys. A folder that already
 * exists keeps its mode, since the user chose it.
 */
export async function ensureDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
