import { AsyncLocalStorage } from "node:async_hooks";
import {
  ROOT_CONTEXT,
  defaultTextMapGetter,
  trace,
  type Context,
  type SpanContext,
  type TextMapSetter,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { IncomingHttpHeaders } from "node:http";
import type { Fetch } from "../policy";

const w3c = new W3CTraceContextPropagator();

/**
 * The trace context a client sent (`traceparent`, `tracestate`), as the parent of the
 * gateway's span; the root context when it sent none or a malformed one.
 */
export function clientContext(headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** Whether the client sent a trace context that holds: what `clientSampling` is for. */
export function hasClientSpan(context: Context): boolean {
  return trace.getSpanContext(context) !== undefined;
}

/**
 * The span whose work is under way: the call being sent to its targets. Requests to HTTP
 * targets started within carry it, however deep in the transport they are made.
 */
const current = new AsyncLocalStorage<SpanContext>();

export function withinSpan<T>(span: SpanContext, send: () => T): T {
  return current.run(span, send);
}

/** `fetch` that sends the current span on as W3C `traceparent` (and `tracestate`). */
export function propagatingFetch(next: Fetch): Fetch {
  return (input, init) => {
    const span = current.getStore();
    if (!span) return next(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    w3c.inject(trace.setSpanContext(ROOT_CONTEXT, span), headers, headerSetter);
    return next(input, { ...init, headers });
  };
}

/** fetch's headers are a Headers object, which the default setter (for plain objects) is not. */
const headerSetter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => carrier.set(key, value),
};
