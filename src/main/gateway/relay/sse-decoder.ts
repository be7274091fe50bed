const LF = 0x0a;
const CR = 0x0d;

/** An event of more bytes than the decoder takes: the stream that carried it is unusable. */
export class OversizedEventError extends Error {
  constructor(limit: number) {
    super(`an event larger than ${limit} bytes`);
  }
}

/**
 * Reads a `text/event-stream` body as its chunks arrive and hands on the data of each event.
 * Lines are cut on bytes (CR and LF never occur inside a UTF-8 sequence), so a character split
 * between chunks costs nothing, and a line is decoded once, when it is complete. An event may
 * grow to `maxEventBytes`, no further. Only `data` matters to MCP: comments (keep-alives),
 * `event`, `id` and `retry` are skipped.
 */
export class SseDecoder {
  private readonly text = new TextDecoder();
  /** The pieces of the current line, when it spans chunks. */
  private line: Uint8Array[] = [];
  private lineBytes = 0;
  /** The data lines of the current event. */
  private readonly data: string[] = [];
  private eventBytes = 0;
  /** The last chunk ended in CR: an LF opening the next one ends no second line. */
  private afterCR = false;

  constructor(
    private readonly maxEventBytes: number,
    private readonly onEvent: (data: string) => void,
  ) {}

  /** Takes in the next chunk; throws OversizedEventError when an event outgrows the limit. */
  push(chunk: Uint8Array): void {
    let start = this.afterCR && chunk[0] === LF ? 1 : 0;
    this.afterCR = false;
    let cr = chunk.indexOf(CR, start);
    let lf = chunk.indexOf(LF, start);
    while (cr !== -1 || lf !== -1) {
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      this.endLine(chunk.subarray(start, end));
      start = end + 1;
      if (end === cr) {
        if (start === chunk.length) this.afterCR = true;
        else if (chunk[start] === LF) start++;
      }
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.collect(chunk.subarray(start));
  }

  private collect(piece: Uint8Array): void {
    this.lineBytes += piece.length;
    if (this.eventBytes + this.lineBytes > this.maxEventBytes) {
      throw new OversizedEventError(this.maxEventBytes);
    }
    this.line.push(piece);
  }

  private endLine(last: Uint8Array): void {
    let bytes = last;
    if (this.lineBytes > 0) {
      this.collect(last);
      bytes = Buffer.concat(this.line, this.lineBytes);
      this.line = [];
      this.lineBytes = 0;
    }
    if (bytes.length === 0) return this.dispatch();
    if (bytes[0] === 0x3a) return; // ":" opens a comment
    this.eventBytes += bytes.length;
    if (this.eventBytes > this.maxEventBytes) throw new OversizedEventError(this.maxEventBytes);
    const line = this.text.decode(bytes);
    const colon = line.indexOf(":");
    if ((colon === -1 ? line : line.slice(0, colon)) !== "data") return;
    const value = colon === -1 ? "" : line.slice(line[colon + 1] === " " ? colon + 2 : colon + 1);
    this.data.push(value);
  }

  private dispatch(): void {
    const lines = this.data.length;
    const data = lines === 1 ? (this.data[0] as string) : this.data.join("\n");
    this.data.length = 0;
    this.eventBytes = 0;
    if (lines > 0) this.onEvent(data);
  }
}
