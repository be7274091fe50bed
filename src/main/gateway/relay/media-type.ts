// Media types as the relay checks them on every POST: matched in place, in any case, with or
// without parameters, and without splitting the header into pieces first.

const JSON_CONTENT = /^[ \t]*application\/json[ \t]*(?:;|$)/i;
const EVENT_STREAM_CONTENT = /^[ \t]*text\/event-stream[ \t]*(?:;|$)/i;
const ACCEPTS_JSON = /(?:^|,)[ \t]*application\/json[ \t]*(?:[;,]|$)/i;
const ACCEPTS_EVENT_STREAM = /(?:^|,)[ \t]*text\/event-stream[ \t]*(?:[;,]|$)/i;

/** Whether a Content-Type is `application/json` (a charset or other parameters may follow). */
export function isJsonContent(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_CONTENT.test(contentType);
}

/** Whether a Content-Type is `text/event-stream`: an answer that comes as Server-Sent Events. */
export function isEventStreamContent(contentType: string | undefined): boolean {
  return contentType !== undefined && EVENT_STREAM_CONTENT.test(contentType);
}

/**
 * Whether an Accept header names both `application/json` and `text/event-stream`: the answer
 * forms of a Streamable HTTP POST, between which the gateway picks per answer.
 */
export function acceptsJsonAndEventStream(accept: string | undefined): boolean {
  return accept !== undefined && ACCEPTS_JSON.test(accept) && ACCEPTS_EVENT_STREAM.test(accept);
}
