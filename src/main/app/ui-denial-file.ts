import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RequestEvent } from "../../shared/log-event";
import { ensureDataDir } from "../keystore/data-dir";

/** The denials kept across runs. */
const KEEP = 1000;
/** Rewriting on every append would cost a full write per denial; trimming in steps does not. */
const TRIM_AT = 1200;

/**
 * `<dataDir>/denials.jsonl`: every denied request as a JSON line, so that the log still shows
 * why something was refused after a restart. Bounded to the last KEEP denials.
 */
export class DenialFile {
  readonly path: string;
  private lines = 0;
  /** Writes happen in order, one at a time; `flushed()` waits for them. */
  private writing = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, "denials.jsonl");
  }

  /** The denials of earlier runs, oldest first. A damaged line is skipped, not fatal. */
  async load(): Promise<RequestEvent[]> {
    const lines = await this.readLines();
    this.lines = lines.length;
    return lines.flatMap((line) => {
      try {
        const event = JSON.parse(line) as RequestEvent;
        return event.kind === "request" ? [event] : [];
      } catch {
        return [];
      }
    });
  }

  append(event: RequestEvent): void {
    this.writing = this.writing
      .then(async () => {
        await ensureDataDir(this.dataDir);
        await appendFile(this.path, JSON.stringify(event) + "\n", { mode: 0o600 });
        if (++this.lines > TRIM_AT) await this.trim();
      })
      // The log on screen matters more than the file; a full disk must not break it.
      .catch(() => undefined);
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  private async trim(): Promise<void> {
    const kept = (await this.readLines()).slice(-KEEP);
    await writeFile(this.path, kept.map((line) => line + "\n").join(""), { mode: 0o600 });
    this.lines = kept.length;
  }

  private async readLines(): Promise<string[]> {
    try {
      return (await readFile(this.path, "utf8")).split("\n").filter((line) => line.trim() !== "");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }
}
