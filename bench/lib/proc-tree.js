// Reads process trees and memory from Linux /proc. This kernel has no
// /proc/<pid>/task/<tid>/children, so the tree is rebuilt from every process's parent id.
import { readFileSync, readdirSync } from "node:fs";

/**
 * A process identity that survives pid reuse: the kernel never gives the same pid and start
 * time to two processes.
 * @typedef {{ pid: number, startTime: string }} ProcessId
 */

/**
 * The root and all its living descendants, root first.
 * @param {number} rootPid
 * @returns {ProcessId[]}
 */
export function processTree(rootPid) {
  /** @type {Map<number, ProcessId[]>} */
  const childrenByParent = new Map();
  /** @type {ProcessId | undefined} */
  let root;
  for (const name of readdirSync("/proc")) {
    const stat = readStat(Number(name));
    if (!stat) continue;
    if (stat.id.pid === rootPid) root = stat.id;
    const siblings = childrenByParent.get(stat.parentPid) ?? [];
    siblings.push(stat.id);
    childrenByParent.set(stat.parentPid, siblings);
  }
  if (!root) return [];
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(childrenByParent.get(tree[i].pid) ?? []));
  return tree;
}

/**
 * @param {ProcessId} id
 * @returns {boolean} whether that very process (not a reuse of its pid) still exists
 */
export function isAlive(id) {
  return readStat(id.pid)?.id.startTime === id.startTime;
}

/**
 * Resident set size in kB, 0 once the process is gone.
 * @param {number} pid
 */
export function readRssKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Linux reports CPU times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) the process itself has used so far, in seconds; 0 once it is gone.
 * @param {number} pid
 */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 (utime) and 15 (stime) of proc(5), counted from field 3 (state) here.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** @param {number} pid */
function readStat(pid) {
  if (!Number.isInteger(pid)) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may contain spaces: fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (state === "Z") return undefined;
    return { id: { pid, startTime: fields[19] }, parentPid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}
