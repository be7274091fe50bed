import { Metadata } from "@grpc/grpc-js";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";

/** Where and how spans are sent: OTLP over gRPC, or protobuf over HTTP, as agentgateway sends. */
export interface OtlpTarget {
  protocol: "grpc" | "http";
  /** `http://localhost:4317`; https means TLS, for gRPC too. */
  origin: string;
  /** The HTTP path spans are posted to; gRPC has its own. */
  path: string;
  /** Sent with every export (gRPC metadata): a collector's credentials. */
  headers: Readonly<Record<string, string>>;
}

/**
 * The exporter for a target. One that stops reaching its receiver says so once, as a notice,
 * and again only after it got through in between: a collector that is down must not flood the
 * log.
 */
export function spanExporter(
  target: OtlpTarget,
  notice: (level: "warn", message: string) => void,
): SpanExporter {
  const inner =
    target.protocol === "grpc"
      ? new GrpcTraceExporter({ url: target.origin, metadata: grpcMetadata(target.headers) })
      : new ProtobufTraceExporter({
          url: `${target.origin}${target.path}`,
          headers: { ...target.headers },
        });
  const where = target.protocol === "grpc" ? target.origin : `${target.origin}${target.path}`;
  let failing = false;
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      inner.export(spans, (result) => {
        const failed = result.code !== ExportResultCode.SUCCESS;
        if (failed && !failing) {
          const why = result.error?.message ?? "no reason given";
          notice("warn", `tracing: could not send spans to ${where} (${target.protocol}): ${why}`);
        }
        failing = failed;
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
}

function grpcMetadata(headers: Readonly<Record<string, string>>): Metadata {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(headers)) metadata.set(name.toLowerCase(), value);
  return metadata;
}
