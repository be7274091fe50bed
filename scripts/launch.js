// `npm start`: the desktop app where Electron can run, else the headless gateway, saying why.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { electronBinary } from "./electron-binary.js";

const root = fileURLToPath(new URL("..", import.meta.url));

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

// Without a display the app cannot run, whether or not Electron is installed.
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
