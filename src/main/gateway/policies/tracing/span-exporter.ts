import { OTLPTraceExporter as GrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { CompileContext } from "../compile-context";
import { grpcMetadata, noticingFailures, type OtlpTarget } from "./otlp-export";

/** The span exporter for a target; one that stops reaching its receiver says so once. */
export function spanExporter(target: OtlpTarget, notice: CompileContext["notice"]): SpanExporter {
  const inner =
    target.protocol === "grpc"
      ? new GrpcTraceExporter({ url: target.origin, metadata: grpcMetadata(target.headers) })
      : new ProtobufTraceExporter({
          url: `${target.origin}${target.path}`,
          headers: { ...target.headers },
        });
  return noticingFailures(inner, target, "tracing: could not send spans", notice);
}
