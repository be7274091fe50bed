import { z } from "zod";
import { stringList } from "../../config/schema-parts";
import type { ConfigPath } from "./compile-context";
import { compileFields, compileFilter, computeFields } from "./log-expressions";
import type { LogContext } from "./log-context";
import { definePolicy } from "./policy";
import { legacyEndpoint, legacyPath, type LegacyTracingConfig } from "./tracing/legacy-tracing";
import { otlpOrigin } from "./tracing/otlp-endpoint";
import { compileSampler, samplingSchema } from "./tracing/sampling";

const GATEHOUSE_ONLY = "Gatehouse only: agentgateway rejects this key.";

const celMap = z.record(z.string(), z.string());

export const tracingSchema = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .describe("The OTLP receiver: host:port (e.g. localhost:4317), or an http(s) URL."),
    protocol: z
      .enum(["grpc", "http"])
      .optional()
      .describe("OTLP over gRPC (default) or over HTTP (protobuf)."),
    path: z.string().optional().describe("The HTTP path spans are posted to; default /v1/traces."),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        `Headers (gRPC metadata) sent with every export, e.g. credentials. ${GATEHOUSE_ONLY}`,
      ),
    randomSampling: samplingSchema
      .optional()
      .describe(
        "Whether to trace a request that brings no trace of its own: true, a ratio (0.1) or a CEL expression; default false.",
      ),
    clientSampling: samplingSchema
      .optional()
      .describe(
        "Whether to trace a request that brings a traceparent: true, a ratio or a CEL expression; default true.",
      ),
    attributes: celMap.optional().describe("Span attributes: name → CEL expression."),
    resources: celMap
      .optional()
      .describe("Resource attributes (e.g. service.name): name → CEL expression, evaluated once."),
    remove: stringList.optional().describe("Attributes to leave out of the spans, by name."),
    filter: z.string().optional().describe("CEL: which spans are sent (true sends); default all."),
  })
  .describe(
    "OpenTelemetry traces: a span for each HTTP request and a child span for each MCP call, sent over OTLP.",
  );

export type TracingConfig = z.infer<typeof tracingSchema>;

/** Tracing as written in `frontendPolicies`, or in `config.tracing` (normalize.ts). */
type TracingSetting = TracingConfig | { legacy: LegacyTracingConfig };

/** The newer form of a setting, and where each of its keys is written. */
function newerForm(
  setting: TracingSetting,
  path: ConfigPath,
): { config: TracingConfig; at: (key: keyof TracingConfig) => ConfigPath } {
  if (!("legacy" in setting)) return { config: setting, at: (key) => [...path, key] };
  const { otlpEndpoint, otlpProtocol, fields, ...same } = setting.legacy;
  const endpoint = legacyEndpoint(otlpEndpoint);
  const config: TracingConfig = {
    ...same,
    host: endpoint.host,
    path: endpoint.path ?? same.path,
    protocol: otlpProtocol,
    attributes: fields?.add,
    remove: fields?.remove,
  };
  return { config, at: legacyPath };
}

export const tracing = definePolicy({
  key: "tracing",
  // Only the frontendPolicies form is written here; normalize.ts brings the older one.
  schema: tracingSchema as z.ZodType<TracingSetting>,
  attachments: ["frontend"],
  async compile(setting, path, ctx) {
    const { config, at } = newerForm(setting, path);
    const endpoint = otlpOrigin(config.host);
    if ("error" in endpoint) ctx.problem(at("host"), endpoint.error);
    const attributes = compileFields(config.attributes ?? {}, at("attributes"), ctx);
    const resources = compileFields(config.resources ?? {}, at("resources"), ctx);
    const filter =
      config.filter === undefined ? undefined : compileFilter(config.filter, at("filter"), ctx);
    const sampler = (key: "randomSampling" | "clientSampling", otherwise: boolean) => {
      const value = config[key];
      return value === undefined ? () => otherwise : compileSampler(value, at(key), ctx);
    };
    const randomSampling = sampler("randomSampling", false);
    const clientSampling = sampler("clientSampling", true);
    if (
      "error" in endpoint ||
      !attributes ||
      !resources ||
      (config.filter !== undefined && !filter) ||
      !randomSampling ||
      !clientSampling
    ) {
      return undefined;
    }
    const configured = computeFields(resources, {} as LogContext) ?? {};
    for (const { name } of resources) {
      if (!Object.hasOwn(configured, name)) {
        ctx.warning([...at("resources"), name], "has no value without a request: left out");
      }
    }
    // OpenTelemetry takes a second or more to load: only a config that traces pays for it.
    const { startTracing } = await import("./tracing/tracer");
    return startTracing({
      otlp: {
        protocol: config.protocol ?? "grpc",
        origin: endpoint.origin,
        path: config.path ?? "/v1/traces",
        headers: config.headers ?? {},
      },
      resources: configured,
      attributes,
      removed: new Set(config.remove ?? []),
      filter,
      randomSampling,
      clientSampling,
      notice: ctx.notice,
    });
  },
});
