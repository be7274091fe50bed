import { resolve } from "node:path";

type TaskQueue = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs tasks one after another. */
function oneAtATime(): TaskQueue {
  let previous: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = previous.then(task);
    // A failed task must not stop the ones queued after it.
    previous = run.catch(() => undefined);
    return run;
  };
}

const queuesByFile = new Map<string, TaskQueue>();

/**
 * The queue of one file, shared by every object in this process that changes it: the app may
 * open the keystore more than once. (Other processes are kept out by withFileLock's lock.)
 */
export function oneAtATimeFor(path: string): TaskQueue {
  const key = resolve(path);
  let queue = queuesByFile.get(key);
  if (!queue) {
    queue = oneAtATime();
    queuesByFile.set(key, queue);
  }
  return queue;
}
