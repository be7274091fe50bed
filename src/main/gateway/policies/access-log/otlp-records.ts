import { ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { SeverityNumber, type Logger } from "@opentelemetry/api-logs";
import { OTLPLogExporter as GrpcLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPLogExporter as ProtobufLogExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { accessLogFields } from "../../access-log-fields";
import type { AccessLogValue, RequestEvent } from "../../log-event";
import type { CompileContext } from "../compile-context";
import {
  grpcMetadata,
  noticingFailures,
  otlpResource,
  shutDownWithin,
  type OtlpTarget,
} from "../tracing/otlp-export";

/** Where access-log lines also go as OTLP log records; a reload or a shutdown closes it. */
export interface AccessLogExport {
  /** Sends the line `event` makes (with what `accessLog` added and removed) as one record. */
  send(event: RequestEvent): void;
  close(): Promise<void>;
}

/**
 * Record attributes are bounded here, as span attributes are: they hold what clients, tokens
 * and targets named, and what `add` computed from them.
 */
const RECORD_LIMITS = { attributeValueLengthLimit: 2048, attributeCountLimit: 128 };

/**
 * Starts the logger provider of `accessLog.otlp`. Each record is what agentgateway's OTLP
 * access log sends: severity INFO, the line's fields as attributes under their access-log names,
 * and the request's trace and span when it was traced. Its body is "request", the message of the
 * printed line.
 */
export function startAccessLogExport(
  target: OtlpTarget,
  notice: CompileContext["notice"],
): AccessLogExport {
  const inner =
    target.protocol === "grpc"
      ? new GrpcLogExporter({ url: target.origin, metadata: grpcMetadata(target.headers) })
      : new ProtobufLogExporter({
          url: `${target.origin}${target.path}`,
          headers: { ...target.headers },
        });
  const exporter = noticingFailures(inner, target, "accessLog: could not send log records", notice);
  const provider = new LoggerProvider({
    resource: otlpResource(),
    logRecordLimits: RECORD_LIMITS,
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("gatehouse.access");
  return {
    send: (event) => emit(logger, event),
    close: () => shutDownWithin(provider),
  };
}

function emit(logger: Logger, event: RequestEvent): void {
  const attributes: Record<string, AccessLogValue> = {};
  for (const [name, value] of accessLogFields(event)) {
    if (value !== undefined) attributes[name] = value;
  }
  const { traceId, spanId } = event;
  logger.emit({
    timestamp: event.time + event.durationMs,
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    body: "request",
    attributes,
    context:
      traceId && spanId
        ? trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED })
        : undefined,
  });
}
