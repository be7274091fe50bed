// Starts a system under test in its own process group with its output in a log file, and
// stops it together with every descendant it spawned, even ones that left its group.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, processTree } from "./proc-tree.js";

const GRACE_MS = 5000;
const REAP_MS = 2000;

/** @type {Set<ManagedProcess>} */
const running = new Set();

/** Last resort for an exiting bench: SIGKILL everything still running, synchronously. */
export function killAllNow() {
  for (const managed of running) managed.killNow();
}

export class ManagedProcess {
  /**
   * @param {string} command
   * @param {string[]} args
   * @param {string} logFile receives stdout and stderr; a file never blocks the child the
   *   way a full, unread pipe would
   */
  constructor(command, args, logFile) {
    this.logFile = logFile;
    const log = openSync(logFile, "w");
    // Own process group, so one signal reaches the children that stay in it. Stdin stays an
    // open pipe: some peers (supergateway) shut down when stdin closes.
    this.child = spawn(command, args, { detached: true, stdio: ["pipe", log, log] });
    closeSync(log);
    /** @type {Promise<string>} resolves with how the process ended */
    this.exited = new Promise((resolve) => {
      this.child.once("error", (error) => resolve(error.message));
      this.child.once("exit", (code, signal) =>
        resolve(signal ? `signal ${signal}` : `code ${code}`),
      );
    });
    this.hasExited = false;
    this.exited.then(() => (this.hasExited = true));
    /** @type {Map<string, import("./proc-tree.js").ProcessId>} every process seen in the tree */
    this.seen = new Map();
    running.add(this);
  }

  get pid() {
    return /** @type {number} */ (this.child.pid);
  }

  /** @param {import("./proc-tree.js").ProcessId} id */
  remember(id) {
    this.seen.set(`${id.pid}:${id.startTime}`, id);
  }

  /** SIGTERM, then SIGKILL after a grace period, then SIGKILL any descendant left over. */
  async stop() {
    if (this.child.pid === undefined) return;
    for (const id of processTree(this.pid)) this.remember(id);
    this.#signalGroup("SIGTERM");
    if (!this.hasExited) await Promise.race([this.exited, sleep(GRACE_MS)]);
    this.#signalGroup("SIGKILL");
    const leftovers = () => [...this.seen.values()].filter(isAlive);
    for (const id of leftovers()) signal(id.pid, "SIGKILL");
    for (const deadline = Date.now() + REAP_MS; leftovers().length > 0 && Date.now() < deadline;) {
      await sleep(50);
    }
    this.child.stdin?.destroy();
    running.delete(this);
  }

  killNow() {
    this.#signalGroup("SIGKILL");
    for (const id of this.seen.values()) if (isAlive(id)) signal(id.pid, "SIGKILL");
  }

  /** The last lines of the log, to explain a failure. */
  logTail(lines = 5) {
    const text = readFileSync(this.logFile, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  }

  /** @param {NodeJS.Signals} name */
  #signalGroup(name) {
    if (this.child.pid !== undefined) signal(-this.child.pid, name);
  }
}

/** @param {number} pid negative for a process group @param {NodeJS.Signals} name */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: already gone, which is what we want.
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ESRCH") throw error;
  }
}
