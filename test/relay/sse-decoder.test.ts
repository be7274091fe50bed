import { describe, expect, it } from "vitest";
import { OversizedEventError, SseDecoder } from "../../src/main/gateway/relay/sse-decoder";

/** The data of every event in `chunks`, fed to a decoder one chunk at a time. */
function decode(chunks: (string | Uint8Array)[], maxEventBytes = 1024): string[] {
  const events: string[] = [];
  const decoder = new SseDecoder(maxEventBytes, (data) => events.push(data));
  for (const chunk of chunks) {
    decoder.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  }
  return events;
}

describe("SseDecoder", () => {
  it("hands on the data of each event, whatever its line endings", () => {
    expect(
      decode(["event: message\ndata: one\n\n", "data: two\r\n\r\n", "data: three\r\r"]),
    ).toEqual(["one", "two", "three"]);
  });

  it("joins the data lines of one event, and keeps a colon or space after the first", () => {
    expect(decode(["data: a\ndata:b\ndata:  c: d\n\n"])).toEqual(["a\nb\n c: d"]);
  });

  it("skips comments, other fields and events without data", () => {
    expect(decode([":\n\n: keep-alive\nid: 7\nretry: 10\n\nevent: ping\n\ndata: x\n\n"])).toEqual([
      "x",
    ]);
  });

  it("reads lines and characters split between chunks", () => {
    const text = Buffer.from("data: héllo wörld\r\n\r\n", "utf8");
    const byByte = [...text].map((byte) => Uint8Array.of(byte));
    expect(decode(byByte)).toEqual(["héllo wörld"]);
    // A CR ending one chunk and the LF opening the next are one line ending, not two.
    expect(decode(["data: a\r", "\ndata: b\r", "\n\r", "\n"])).toEqual(["a\nb"]);
  });

  it("does not hand on an event the stream did not finish", () => {
    expect(decode(["data: done\n\ndata: cut off"])).toEqual(["done"]);
  });

  it("refuses an event larger than its limit, in one line or in many", () => {
    expect(() => decode([`data: ${"x".repeat(100)}\n\n`], 64)).toThrow(OversizedEventError);
    expect(() => decode(["data: " + "x".repeat(40), "x".repeat(40)], 64)).toThrow(
      OversizedEventError,
    );
    const manyLines = Array.from({ length: 10 }, () => "data: 0123456789\n").join("");
    expect(() => decode([manyLines], 64)).toThrow(OversizedEventError);
    // The limit is per event: many small events pass.
    expect(
      decode([Array.from({ length: 10 }, () => "data: 0123456789\n\n").join("")], 64),
    ).toHaveLength(10);
  });
});
