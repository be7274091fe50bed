import { Metadata } from "@grpc/grpc-js";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import type { AccessLogValue } from "../../log-event";
import type { CompileContext } from "../compile-context";

/**
 * Where and how telemetry (spans, access-log records) is sent: OTLP over gRPC, or protobuf over
 * HTTP, as agentgateway sends it.
 */
export interface OtlpTarget {
  protocol: "grpc" | "http";
  /** `http://localhost:4317`; https means TLS, for gRPC too. */
  origin: string;
  /** The HTTP path records are posted to; gRPC has its own. */
  path: string;
  /** Sent with every export (gRPC metadata): a collector's credentials. */
  headers: Readonly<Record<string, string>>;
}

/** What the OpenTelemetry SDKs' span and log exporters have in common. */
export interface OtlpExporter<Item> {
  export(items: Item[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/**
 * `inner`, saying so once, as a notice, when it stops reaching its receiver, and again only
 * after it got through in between: a collector that is down must not flood the log.
 * `what` names the sender and the items, as in "tracing: could not send spans".
 */
export function noticingFailures<Item>(
  inner: OtlpExporter<Item>,
  target: OtlpTarget,
  what: string,
  notice: CompileContext["notice"],
): OtlpExporter<Item> {
  const where = target.protocol === "grpc" ? target.origin : `${target.origin}${target.path}`;
  let failing = false;
  return {
    export(items, done) {
      inner.export(items, (result) => {
        const failed = result.code !== ExportResultCode.SUCCESS;
        if (failed && !failing) {
          const why = result.error?.message ?? "no reason given";
          notice("warn", `${what} to ${where} (${target.protocol}): ${why}`);
        }
        failing = failed;
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
}

/** The target's headers as the gRPC metadata of every export. */
export function grpcMetadata(headers: Readonly<Record<string, string>>): Metadata {
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(headers)) metadata.set(name.toLowerCase(), value);
  return metadata;
}

/**
 * The resource every span and record names: `service.name` "gatehouse" unless
 * OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise, and `configured` over both.
 */
export function otlpResource(configured: Readonly<Record<string, AccessLogValue>> = {}) {
  return resourceFromAttributes({ "service.name": "gatehouse" })
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes(configured));
}

/**
 * Shuts a provider down, which sends what waits. A receiver that does not take it within
 * CLOSE_WAIT_MS does not hold up a reload or an exit: that is dropped (and the exporter has said
 * so in the log).
 */
export function shutDownWithin(provider: { shutdown(): Promise<void> }): Promise<void> {
  const waited = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
  const sent = provider.shutdown().catch(() => undefined);
  return Promise.race([sent, waited]);
}

const CLOSE_WAIT_MS = 3000;
