import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { boundEvent, type RequestEvent } from "../gateway/log-event";
import { ensureDataDir } from "../keystore/data-dir";

/** The denials kept across runs, and the bytes they may take (their fields are bounded). */
const KEEP = 1000;
const KEEP_BYTES = 2 * 1024 * 1024;
/** Rewriting on every append would cost a full write per denial; trimming in steps does not. */
const TRIM_AT = 1200;
const TRIM_AT_BYTES = 2.5 * 1024 * 1024;

/**
 * `<dataDir>/denials.jsonl`: every denied request as a JSON line, so that the log still shows
 * why something was refused after a restart. Bounded to the last KEEP denials, in KEEP_BYTES.
 */
export class DenialFile {
  readonly path: string;
  private lines = 0;
  private bytes = 0;
  /** Writes happen in order, one at a time; `flushed()` waits for them. */
  private writing = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, "denials.jsonl");
  }

  /**
   * The denials of earlier runs, oldest first. A damaged line is skipped, not fatal. They are
   * bounded as the bus bounds events: the file may predate that, or have been edited.
   */
  async load(): Promise<RequestEvent[]> {
    const lines = await this.readLines();
    this.count(lines);
    return lines.flatMap((line) => {
      try {
        const event = JSON.parse(line) as RequestEvent;
        return event.kind === "request" ? [boundEvent(event)] : [];
      } catch {
        return [];
      }
    });
  }

  append(event: RequestEvent): void {
    this.writing = this.writing
      .then(async () => {
        await ensureDataDir(this.dataDir);
        const line = JSON.stringify(event);
        await appendFile(this.path, line + "\n", { mode: 0o600 });
        this.lines++;
        this.bytes += lineBytes(line);
        if (this.lines > TRIM_AT || this.bytes > TRIM_AT_BYTES) await this.trim();
      })
      // The log on screen matters more than the file; a full disk must not break it.
      .catch(() => undefined);
  }

  flushed(): Promise<void> {
    return this.writing;
  }

  /** Keeps the newest lines that fit in KEEP and KEEP_BYTES. */
  private async trim(): Promise<void> {
    const lines = await this.readLines();
    let first = lines.length;
    let bytes = 0;
    while (first > 0 && lines.length - first < KEEP) {
      const more = lineBytes(lines[first - 1] as string);
      if (bytes + more > KEEP_BYTES) break;
      bytes += more;
      first--;
    }
    const kept = lines.slice(first);
    await writeFile(this.path, kept.map((line) => line + "\n").join(""), { mode: 0o600 });
    this.count(kept);
  }

  private count(lines: string[]): void {
    this.lines = lines.length;
    this.bytes = lines.reduce((sum, line) => sum + lineBytes(line), 0);
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

/** A line's size in the file, with its line feed. */
function lineBytes(line: string): number {
  return Buffer.byteLength(line) + 1;
}
