import { dirname } from "node:path";
import { lock } from "proper-lockfile";
import { ensureDataDir } from "./data-dir";
import { KeystoreError } from "./keystore-error";
import { oneAtATimeFor } from "./one-at-a-time";

/**
 * A holder touches its lock every STALE_MS / 2, so only the lock of a process that died holding
 * it gets this old; then the next process takes it over.
 */
const STALE_MS = 10_000;
/** Longer than STALE_MS, so that waiting outlasts the lock of a process that just died. */
const WAIT_MS = 15_000;
const RETRY_EVERY_MS = 100;

/**
 * Runs `task` as the only change to the file at `path`, in this process and in every other: the
 * app and `gatehouse` commands each read a keystore file, change it and write it whole, so the
 * lock is held from before the read until after the write, or each would write a version without
 * the other's change. Across processes the lock is the folder `<path>.lock` (mkdir is atomic);
 * within this process tasks queue instead, first come first served, without polling.
 */
export function withFileLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  return oneAtATimeFor(path)(async () => {
    let lostBecause: Error | undefined;
    const release = await acquire(path, (error) => (lostBecause = error));
    let result: T;
    try {
      result = await task();
    } finally {
      // Releasing a lost lock only says it is lost; a lock that cannot be removed goes stale.
      await release().catch(() => undefined);
    }
    if (lostBecause) {
      // The holder could not touch its lock in time (a blocked or suspended process), so
      // another process may have taken it over and changed the file at the same time.
      throw new KeystoreError(
        `the lock on ${path} was lost while changing it (${lostBecause.message}): another ` +
          `Gatehouse process may have changed it at the same time; check that the change is there`,
        { cause: lostBecause },
      );
    }
    return result;
  });
}

async function acquire(
  path: string,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  try {
    // The lock folder goes beside the file, so the data folder must exist first.
    await ensureDataDir(dirname(path));
    return await lock(path, {
      realpath: false, // the file itself need not exist yet
      stale: STALE_MS,
      retries: {
        retries: WAIT_MS / RETRY_EVERY_MS,
        factor: 1,
        minTimeout: RETRY_EVERY_MS,
        maxTimeout: RETRY_EVERY_MS,
      },
      // Instead of the default, which throws where nothing can catch it and ends the process.
      onCompromised,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") {
      throw new KeystoreError(
        `${path} is being changed by another Gatehouse process (the app or a gatehouse ` +
          `command), which has not let go of its lock (${path}.lock) within ` +
          `${WAIT_MS / 1000} s: retry when it has finished`,
        { cause: error },
      );
    }
    throw new KeystoreError(`cannot lock ${path}: ${(error as Error).message}`, { cause: error });
  }
}
