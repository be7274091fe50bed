import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import type { ParseResult } from "@marcbachmann/cel-js";
import { requestFields } from "../../access-log-fields";
import { boundText } from "../../bounded-text";
import type { RequestEvent } from "../../log-event";
import type { LogContext } from "../log-context";
import { computeFields, keeps, type ComputedField } from "../log-expressions";
import type { Observation } from "../policy";
import { withinSpan } from "./trace-context";

/** Span names hold a path, or what a `span.name` attribute made of the request. */
export const SPAN_NAME_MAX = 256;

/** What a tracing policy puts on its spans, compiled once. */
export interface SpanSettings {
  tracer: Tracer;
  /** `attributes`: computed per span; `span.name` names the span instead. */
  attributes: readonly ComputedField[];
  /** `remove`: the names of attributes the spans leave out. */
  removed: ReadonlySet<string>;
  /** `filter`: which spans are sent (true sends); all when unset. */
  filter: ParseResult | undefined;
}

/**
 * The span of one HTTP request, a server span under the client's own when it sent one. It ends
 * when the answer went out, with the attributes of the request's log line.
 */
export class TracedRequest implements Observation {
  constructor(
    private readonly settings: SpanSettings,
    private readonly span: Span,
  ) {}

  /** A call gets a span of its own, a child of the request's: one per tools/call, and so on. */
  call(method: string): Observation {
    const parent = trace.setSpan(ROOT_CONTEXT, this.span);
    const span = this.settings.tracer.startSpan(method, { kind: SpanKind.INTERNAL }, parent);
    return new TracedCall(this.settings, span);
  }

  logged(event: RequestEvent): RequestEvent {
    return withIds(event, this.span);
  }

  ended(summary: RequestEvent, context: () => LogContext): void {
    finish(this.span, this.settings, summary, context);
  }
}

/**
 * The span of one JSON-RPC call: current while the call is sent to its targets, so that HTTP
 * targets get it as their parent, and ended with the call's log event.
 */
class TracedCall implements Observation {
  constructor(
    private readonly settings: SpanSettings,
    private readonly span: Span,
  ) {}

  around<T>(send: () => T): T {
    return withinSpan(this.span.spanContext(), send);
  }

  logged(event: RequestEvent, context: () => LogContext): RequestEvent {
    finish(this.span, this.settings, event, context);
    return withIds(event, this.span);
  }
}

/** The log line names the span, so that one can be found from the other. */
function withIds(event: RequestEvent, span: Span): RequestEvent {
  const { traceId, spanId } = span.spanContext();
  return { ...event, traceId, spanId };
}

/**
 * Ends a span with what its event says, as agentgateway does: every field of the log line as an
 * attribute (the error as the span's status instead), the decision, then the computed
 * attributes. A span the filter does not keep is never ended, and so never sent.
 */
function finish(
  span: Span,
  settings: SpanSettings,
  event: RequestEvent,
  context: () => LogContext,
): void {
  // A client that sent its trace unsampled gets its context passed on, but no span recorded.
  if (!span.isRecording()) return;
  if (settings.filter && !keeps(settings.filter, context())) return;
  const computed =
    settings.attributes.length > 0 ? computeFields(settings.attributes, context()) : undefined;
  const shown = (name: string) =>
    !settings.removed.has(name) && (computed === undefined || !Object.hasOwn(computed, name));
  for (const [name, value] of requestFields(event)) {
    if (name !== "error" && value !== undefined && shown(name)) span.setAttribute(name, value);
  }
  if (shown("decision")) span.setAttribute("decision", event.denied ? "denied" : "allowed");
  for (const [name, value] of Object.entries(computed ?? {})) {
    if (name === "span.name" && typeof value === "string") {
      span.updateName(boundText(value, SPAN_NAME_MAX));
    } else {
      span.setAttribute(name, value);
    }
  }
  if (event.error !== undefined)
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.error });
  span.end();
}
