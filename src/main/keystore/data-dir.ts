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
  if (platform === "win32") {
    const appData = env.APPDATA || win32.join(env.USERPROFILE || homedir(), "AppData", "Roaming");
    return win32.join(appData, "Gatehouse");
  }
  const home = env.HOME || homedir();
  if (platform === "darwin") return posix.join(home, "Library", "Application Support", "Gatehouse");
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const configHome = env.XDG_CONFIG_HOME?.startsWith("/")
    ? env.XDG_CONFIG_HOME
    : posix.join(home, ".config");
  return posix.join(configHome, "gatehouse");
}

/**
 * Creates the data folder (and missing parents) readable by its owner only: it holds the
 * key metadata and, with GATEHOUSE_KEYSTORE=file, the private keys. A folder that already
 * exists keeps its mode, since the user chose it.
 */
export async function ensureDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
