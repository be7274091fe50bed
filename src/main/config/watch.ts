import { watch } from "chokidar";

/** Saving usually means several file events in a row; act once they settle. */
const SETTLE_MS = 100;

/**
 * Calls `onChange` after the file changed, including editors that save by writing a new file
 * and renaming it over the old one. Returns a function that stops watching.
 */
export function watchFile(path: string, onChange: () => void): () => Promise<void> {
  const watcher = watch(path, { ignoreInitial: true });
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  watcher.on("add", changed).on("change", changed);
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
