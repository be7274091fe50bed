// Extracts the JSON-RPC response for one request id from a Streamable HTTP reply, which a
// server may send either as plain JSON or as an SSE stream carrying several messages.

/**
 * @param {string | null} contentType the reply's Content-Type header
 * @param {string} body the whole reply body
 * @param {number} id the id of the request whose response is wanted
 * @returns {any} the `result` member of the matching response
 */
export function extractResult(contentType, body, id) {
  const messages = contentType?.startsWith("text/event-stream")
    ? parseSseMessages(body)
    : [JSON.parse(body)].flat();
  const response = messages.find((message) => message?.id === id && !("method" in message));
  if (!response) throw new Error(`no response with id ${id} in reply`);
  if (response.error)
    throw new Error(`JSON-RPC error ${response.error.code}: ${response.error.message}`);
  return response.result;
}

/**
 * The JSON payloads of the `message` events in an SSE body. Events without data (such as
 * the priming event a resumable server sends first) are skipped.
 * @param {string} body
 * @returns {any[]}
 */
export function parseSseMessages(body) {
  const messages = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event = "message";
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
    if (event === "message" && data.length > 0 && data.join("").trim() !== "") {
      messages.push(JSON.parse(data.join("\n")));
    }
  }
  return messages;
}
