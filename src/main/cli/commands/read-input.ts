import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { UsageError } from "../usage";

/** A file's text, or standard input for "-". */
export async function readInput(path: string | undefined, missing: string): Promise<string> {
  if (!path) throw new UsageError(missing);
  return path === "-" ? text(process.stdin) : readFile(path, "utf8");
}
