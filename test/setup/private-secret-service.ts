import { execFile, spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { probeKeychain } from "./keychain-probe";

const run = promisify(execFile);

/** Why a private Secret Service cannot start here, or undefined when it can. */
export const privateSecretServiceReason: string | undefined = [
  "dbus-daemon",
  "dbus-send",
  "gnome-keyring-daemon",
].every(isCommand)
  ? undefined
  : "no Secret Service here: install gnome-keyring, dbus and dbus-x11 (see .ci/run)";

/** A D-Bus session of our own with an unlocked gnome-keyring in it, in a temporary folder. */
export interface PrivateSecretService {
  /** For DBUS_SESSION_BUS_ADDRESS. */
  readonly address: string;
  /** Locks the collection that keytar writes to (the one behind the "default" alias). */
  lock(): Promise<void>;
  stop(): Promise<void>;
}

// Only the bus policy of Debian's session.conf, and no service directories: without D-Bus
// activation, nothing but our daemon can take the name org.freedesktop.secrets (an activated
// gnome-keyring would come up locked, with the user's own keyrings).
const busConfig = (dir: string) => `<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export async function startPrivateSecretService(): Promise<PrivateSecretService> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-secret-service-"));
  writeFileSync(join(dir, "bus.conf"), busConfig(dir));
  // gnome-keyring keeps its keyrings in XDG_DATA_HOME and its control socket in
  // XDG_RUNTIME_DIR: both in the folder, so that the user's own keyrings stay untouched.
  mkdirSync(join(dir, "data"));
  mkdirSync(join(dir, "runtime"), { mode: 0o700 });

  // Not detached: a Ctrl-C to vitest reaches both daemons too.
  const bus = spawn(
    "dbus-daemon",
    [`--config-file=${join(dir, "bus.conf")}`, "--nofork", "--print-address=1"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const processes: ChildProcess[] = [bus];
  const stop = async () => {
    await Promise.all(processes.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const address = await firstLine(bus);
    const env = {
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: address,
      XDG_DATA_HOME: join(dir, "data"),
      XDG_RUNTIME_DIR: join(dir, "runtime"),
    };
    // --unlock reads the password of the login keyring from stdin and creates that keyring
    // (which becomes the default collection) since there is none in XDG_DATA_HOME yet.
    const keyring = spawn(
      "gnome-keyring-daemon",
      ["--foreground", "--unlock", "--components=secrets"],
      { env, stdio: ["pipe", "ignore", "pipe"] },
    );
    processes.push(keyring);
    // A daemon that dies at once shows up in untilKeychainWorks, not as an EPIPE here.
    keyring.stdin?.on("error", () => undefined);
    keyring.stdin?.end("gatehouse-tests");
    await untilKeychainWorks(env, keyring);
    return { address, lock: () => lockDefaultCollection(address), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function untilKeychainWorks(env: NodeJS.ProcessEnv, keyring: ChildProcess): Promise<void> {
  let stderr = "";
  keyring.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const failure = await probeKeychain(env);
    if (failure === undefined) return;
    if (keyring.exitCode !== null || Date.now() > deadline) {
      throw new Error(`gnome-keyring did not come up: ${failure}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function lockDefaultCollection(address: string): Promise<void> {
  const secrets = [
    "--session",
    "--print-reply",
    "--dest=org.freedesktop.secrets",
    "/org/freedesktop/secrets",
  ];
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address };
  const { stdout } = await run(
    "dbus-send",
    [...secrets, "org.freedesktop.Secret.Service.ReadAlias", "string:default"],
    { env },
  );
  const collection = /object path "([^"]+)"/.exec(stdout)?.[1];
  if (!collection || collection === "/") throw new Error(`no default collection: ${stdout}`);
  await run(
    "dbus-send",
    [...secrets, "org.freedesktop.Secret.Service.Lock", `array:objpath:${collection}`],
    { env },
  );
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("\n")) resolve(output.split("\n")[0] ?? "");
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      reject(new Error(`${child.spawnfile} exited (${code}) before it was ready`)),
    );
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  const gone = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  if (gone) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill();
  });
}

function isCommand(name: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
