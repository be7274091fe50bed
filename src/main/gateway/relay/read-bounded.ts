/**
 * A body read whole, or `undefined` as soon as it grows past `limit` bytes: what is beyond
 * never reaches memory, and leaving the loop early ends the stream. The same for a client's
 * POST (a node request) and a target's answer (a fetch body).
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array>,
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  if (chunks.length !== 1) return Buffer.concat(chunks, size);
  // One chunk, the usual case: its bytes as they are, not copied.
  const [only] = chunks as [Uint8Array];
  return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
}
