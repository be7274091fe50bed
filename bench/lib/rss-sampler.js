// Samples the resident memory of a system under test every 200 ms and keeps the peaks, for
// the main process alone and for it plus all its descendants (the stdio servers it spawned).
import { processTree, readRssKb } from "./proc-tree.js";

const INTERVAL_MS = 200;

/**
 * @param {number} rootPid
 * @param {(id: import("./proc-tree.js").ProcessId) => void} [onProcess] told of every process
 *   seen in the tree, so that whoever stops the system can find the ones that outlive it
 */
export function startRssSampler(rootPid, onProcess = () => {}) {
  let peakMainKb = 0;
  let peakTreeKb = 0;
  const sample = () => {
    let treeKb = 0;
    for (const id of processTree(rootPid)) {
      onProcess(id);
      const kb = readRssKb(id.pid);
      if (id.pid === rootPid) peakMainKb = Math.max(peakMainKb, kb);
      treeKb += kb;
    }
    peakTreeKb = Math.max(peakTreeKb, treeKb);
  };
  sample();
  const timer = setInterval(sample, INTERVAL_MS);
  return {
    /** Stops sampling and returns the peaks in MB. */
    stop() {
      clearInterval(timer);
      return { mainMb: peakMainKb / 1024, treeMb: peakTreeKb / 1024 };
    },
  };
}
