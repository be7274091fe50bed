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
  const child = spawn(command, args, { cwd: root, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

const electron = electronBinary();
const reason = electron.path ? (hasDisplay() ? undefined : "there is no display") : electron.reason;
if (reason) {
  process.stderr.write(
    `Gatehouse: the desktop app cannot start here: ${reason}. Running the headless gateway instead.\n`,
  );
  run(process.execPath, [
    fileURLToPath(new URL("../bin/gatehouse.js", import.meta.url)),
    ...process.argv.slice(2),
  ]);
} else {
  run(electron.path, [root]);
}
