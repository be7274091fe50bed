import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { electronBinary } from "../../scripts/electron-binary.js";
import {
  connect,
  demoConfig,
  freePort,
  killAll,
  LAUNCH,
  removeTemps,
  serving,
  start,
  textOf,
  within,
  writeTemp,
  TEST_ENV,
} from "./helpers";

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await killAll();
});
afterAll(removeTemps);

/** The environment of a machine with no display (this one also lacks the Electron binary). */
function headlessEnv(): NodeJS.ProcessEnv {
  const env = { ...TEST_ENV };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

/** A display, but an Electron "installed" in an empty folder: the binary is missing everywhere. */
function noBinaryEnv(): NodeJS.ProcessEnv {
  return {
    ...TEST_ENV,
    DISPLAY: ":99",
    ELECTRON_OVERRIDE_DIST_PATH: mkdtempSync(join(tmpdir(), "gatehouse-no-electron-")),
  };
}

describe("npm start (scripts/launch.js)", () => {
  it("says why the desktop app cannot start, then serves headless with the given arguments", async () => {
    const port = await freePort();
    const config = writeTemp("config.yaml", demoConfig(port));
    // A relative -f names a file where the user started npm start, not in the app's folder.
    const launcher = start(["-f", basename(config), "--admin-port", "0"], {
      script: LAUNCH,
      env: headlessEnv(),
      cwd: dirname(config),
    });
    await serving(launcher, port);

    expect(launcher.stderr).toMatch(/desktop app cannot start here: there is no display/);
    expect(launcher.stderr).toContain("Running the headless gateway instead");
    // No download attempt, and nothing but request lines on stdout.
    expect(launcher.stdout).toBe("");

    client = await connect(port);
    const result = await client.callTool({ name: "echo", arguments: { message: "via npm start" } });
    expect(textOf(result)).toBe("via npm start");
  });

  it("with a display but no Electron binary, says so and serves headless", async () => {
    const port = await freePort();
    const config = writeTemp("config.yaml", demoConfig(port));
    const launcher = start(["-f", config, "--admin-port", "0"], {
      script: LAUNCH,
      env: noBinaryEnv(),
    });
    await serving(launcher, port);
    expect(launcher.stderr).toMatch(
      /desktop app cannot start here: there is no Electron binary at .*gatehouse-no-electron-.*\. Running the headless gateway instead/,
    );
    expect(launcher.stdout).toBe("");
  });

  // Where the binary was never downloaded (as here), the launcher must not start the download
  // that requiring the electron package does, which hangs where GitHub is out of reach.
  it.skipIf(!("reason" in electronBinary()))(
    "never starts the electron package's download of a missing binary",
    async () => {
      const port = await freePort();
      const config = writeTemp("config.yaml", demoConfig(port));
      const env: NodeJS.ProcessEnv = { ...TEST_ENV, DISPLAY: ":99" };
      delete env.ELECTRON_OVERRIDE_DIST_PATH;
      const launcher = start(["-f", config, "--admin-port", "0"], { script: LAUNCH, env });
      await serving(launcher, port);
      expect(launcher.stderr).toMatch(
        /desktop app cannot start here: the Electron binary is not installed .*Running the headless gateway instead/,
      );
      expect(launcher.stdout + launcher.stderr).not.toContain("Downloading Electron binary");
    },
  );

  it("a terminal's Ctrl-C, which reaches the launcher and the gateway both, stops cleanly", async () => {
    const port = await freePort();
    const config = writeTemp("config.yaml", demoConfig(port));
    const launcher = start(["-f", config, "--admin-port", "0"], {
      script: LAUNCH,
      env: headlessEnv(),
    });
    await serving(launcher, port);
    client = await connect(port);
    await client.listTools();

    process.kill(-launcher.pid, "SIGINT"); // as the terminal does: the whole process group
    const { code } = await within(launcher.exited, 10_000, "the launcher to exit");
    expect(code).toBe(0);
  });
});
