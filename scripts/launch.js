// `npm start`: the desktop app where Electron can run, else the headless gateway, saying why.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function electronBinary() {
  try {
    // The electron package exports the path of its binary, which may not be downloaded yet.
    const path = createRequire(import.meta.url)("electron");
    return typeof path === "string" && existsSync(path)
      ? { path }
      : { reason: "the Electron binary is not installed" };
  } catch (error) {
    return { reason: `the Electron binary is not available (${error.message.split("\n")[0]})` };
  }
}

function hasDisplay() {
  return (
    process.platform !== "linux" || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
  );
}

function run(command, args) {
  // The working directory is kept: a relative `-f config.yaml` names a file where the user is.
  const child = spawn(command, args, { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

// The display is checked first: without one the app cannot run anyway, and resolving the
// binary is not free (the electron package downloads a missing binary when it is required).
const electron = hasDisplay()
  ? electronBinary()
  : { reason: "there is no display (DISPLAY and WAYLAND_DISPLAY are not set)" };
if (electron.reason) {
  process.stderr.write(
    `Gatehouse: the desktop app cannot start here: ${electron.reason}. Running the headless gateway instead.\n`,
  );
  run(process.execPath, [
    fileURLToPath(new URL("../bin/gatehouse.js", import.meta.url)),
    ...process.argv.slice(2),
  ]);
} else {
  run(electron.path, [root]);
}
