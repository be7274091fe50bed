import type { IncomingMessage } from "node:http";
import { MAX_MESSAGE_BYTES } from "./relay/jsonrpc";
import { readBounded } from "./relay/read-bounded";

const bodies = new WeakMap<IncomingMessage, Promise<Buffer | undefined>>();

/**
 * A client's request body, read once for every reader: a policy that sends it to a service
 * (extAuthz), then the relay. Up to MAX_MESSAGE_BYTES; undefined when larger, as the relay
 * refuses such a body anyway.
 */
export function requestBody(req: IncomingMessage): Promise<Buffer | undefined> {
  let body = bodies.get(req);
  if (!body) {
    body = readBounded(req, MAX_MESSAGE_BYTES);
    bodies.set(req, body);
  }
  return body;
}
