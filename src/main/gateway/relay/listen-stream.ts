import type { BridgeLease, ChangeListener } from "./bridge-pool";
import { LIST_CHANGES, type Capabilities } from "./capabilities";
import type { CallOrigin } from "./client-call";
import { SseStream } from "./client-sink";
import type { Exchange } from "./exchange";
import type { RpcId, RpcMessage } from "./jsonrpc";
import { META } from "./modern-envelope";

type Params = Record<string, unknown>;

/** Resources one stream may watch: each is a subscription the targets hold. */
const MAX_RESOURCE_SUBSCRIPTIONS = 64;
/** A URI longer than this is no resource anybody lists; it is not passed on. */
const MAX_URI_LENGTH = 2048;

/**
 * `subscriptions/listen` of a stateless caller: an SSE stream that first acknowledges what the
 * gateway will send (what the caller asked and the targets offer, resources it may read), then
 * carries the targets' change notifications, tagged with the request's id. Resource updates
 * need subscriptions at a target, which live in the lent session: it is held while the stream
 * is open and its subscriptions are ended with it.
 */
export async function listen(
  ex: Exchange,
  message: RpcMessage,
  lease: BridgeLease,
  origin: CallOrigin,
  subscribe: (listener: ChangeListener) => () => void,
): Promise<void> {
  const filter = (message.params?.notifications ?? {}) as Params;
  const offered = (lease.initialized.capabilities ?? {}) as Record<string, Capabilities>;
  const acknowledged: Params = {};
  const methods = new Set<string>();
  for (const { flag, method, capability } of LIST_CHANGES) {
    if (filter[flag] !== true || !offered[capability]?.listChanged) continue;
    acknowledged[flag] = true;
    methods.add(method);
  }
  const uris = offered.resources?.subscribe
    ? await subscribeResources(lease, filter.resourceSubscriptions, origin)
    : [];
  if (uris.length > 0) acknowledged.resourceSubscriptions = uris;
  else lease.release();

  const id = message.id as RpcId;
  const watched = new Set(uris);
  let stopListening = () => {};
  const stream = new SseStream(ex.res, ex.headers, () => {
    stopListening();
    if (uris.length === 0) return;
    const ended = uris.map((uri) => lease.session.ask("resources/unsubscribe", { uri }, origin));
    void Promise.all(ended).then(() => lease.release());
  });
  const acknowledgement = {
    jsonrpc: "2.0",
    method: "notifications/subscriptions/acknowledged",
    params: { notifications: acknowledged },
  } as const;
  stream.send(tagged(acknowledgement, id));
  stopListening = subscribe({
    notify: (notification) => {
      const wanted =
        methods.has(notification.method as string) ||
        (notification.method === "notifications/resources/updated" &&
          watched.has(notification.params?.uri as string));
      if (wanted) stream.send(tagged(notification, id));
    },
    // The answer to the listen request itself says the end was meant, not a dropped connection.
    end: () => {
      stream.send(tagged({ jsonrpc: "2.0", id, result: { resultType: "complete" } }, id));
      stream.close();
    },
  });
  ex.report(200, { method: message.method });
}

/**
 * Subscribes, in the lent session, to each resource the caller named: through the relay, so
 * that a resource the caller may not read is refused exactly as reading it would be, and left
 * out of the acknowledgement.
 */
async function subscribeResources(
  lease: BridgeLease,
  requested: unknown,
  origin: CallOrigin,
): Promise<string[]> {
  if (!Array.isArray(requested)) return [];
  const uris = [
    ...new Set(
      requested.filter(
        (uri): uri is string => typeof uri === "string" && uri.length <= MAX_URI_LENGTH,
      ),
    ),
  ].slice(0, MAX_RESOURCE_SUBSCRIPTIONS);
  const answers = await Promise.all(
    uris.map((uri) => lease.session.ask("resources/subscribe", { uri }, origin)),
  );
  return uris.filter((_, i) => answers[i]?.error === undefined);
}

/**
 * A copy of a message that names the stream it travels on (one target's notification may go
 * to several streams): in its params, or in the result of the listen request's own answer.
 */
function tagged(message: RpcMessage, subscriptionId: RpcId): RpcMessage {
  const field = message.result ? "result" : "params";
  const body = message[field] ?? {};
  const meta = { ...(body._meta as Params | undefined), [META.subscriptionId]: subscriptionId };
  return { ...message, [field]: { ...body, _meta: meta } };
}
