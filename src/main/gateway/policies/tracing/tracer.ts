import { SpanKind } from "@opentelemetry/api";
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { boundText } from "../../bounded-text";
import type { AccessLogValue } from "../../log-event";
import type { CompileContext } from "../compile-context";
import type { CompiledPolicy, Fetch, PolicyRequest } from "../policy";
import type { Sampler } from "./sampling";
import { otlpResource, shutDownWithin, type OtlpTarget } from "./otlp-export";
import { spanExporter } from "./span-exporter";
import { SPAN_NAME_MAX, TracedRequest, type SpanSettings } from "./spans";
import { clientContext, hasClientSpan, propagatingFetch } from "./trace-context";

/** A tracing policy's settings, checked and compiled. */
export interface TracingSettings extends Omit<SpanSettings, "tracer"> {
  otlp: OtlpTarget;
  /** `resources`, evaluated. */
  resources: Readonly<Record<string, AccessLogValue>>;
  randomSampling: Sampler;
  clientSampling: Sampler;
  notice: CompileContext["notice"];
}

/**
 * `tracing`, as agentgateway's frontend policy: sampling decided as a request arrives, a
 * server span for it (under the client's `traceparent`), a child span per MCP call that HTTP
 * targets get as their parent, and OTLP export in batches. A reload or a shutdown closes it,
 * which sends what is still waiting.
 */
class Tracing implements CompiledPolicy {
  constructor(
    private readonly provider: TracerProvider,
    private readonly spans: SpanSettings,
    private readonly randomSampling: Sampler,
    private readonly clientSampling: Sampler,
  ) {}

  observe(request: PolicyRequest): TracedRequest | undefined {
    const parent = clientContext(request.req.headers);
    const sampled = hasClientSpan(parent) ? this.clientSampling : this.randomSampling;
    if (!sampled(request)) return undefined;
    const name = boundText(`${request.req.method ?? "GET"} ${request.path}`, SPAN_NAME_MAX);
    const span = this.spans.tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
    return new TracedRequest(this.spans, span);
  }

  wrapFetch(next: Fetch): Fetch {
    return propagatingFetch(next);
  }

  /** Sends the spans that wait, within a bound. */
  close(): Promise<void> {
    return shutDownWithin(this.provider);
  }
}

/** Span attributes are bounded here: they hold what clients and targets named. */
const SPAN_LIMITS = { attributeValueLengthLimit: 2048, attributeCountLimit: 128 };

/** Starts the tracer provider and its exporter for a compiled tracing policy. */
export function startTracing(settings: TracingSettings): CompiledPolicy {
  const { otlp, resources, randomSampling, clientSampling, notice, ...spans } = settings;
  const provider = new TracerProvider({
    resource: otlpResource(resources),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanLimits: SPAN_LIMITS,
    spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter(otlp, notice) })],
  });
  const tracer = provider.getTracer("gatehouse");
  return new Tracing(provider, { ...spans, tracer }, randomSampling, clientSampling);
}
