import type { ParseResult } from "@marcbachmann/cel-js";
import { z } from "zod";
import type { RequestEvent } from "../log-event";
import { stringList } from "../../config/schema-parts";
import type { AccessLogExport } from "./access-log/otlp-records";
import type { CompileContext, ConfigPath } from "./compile-context";
import type { LogContext } from "./log-context";
import {
  compileFields,
  compileFilter,
  computeFields,
  keeps,
  type ComputedField,
} from "./log-expressions";
import { definePolicy, type CompiledPolicy, type Observation } from "./policy";
import { tracingSchema } from "./tracing";
import { otlpOrigin } from "./tracing/otlp-endpoint";

const celFields = z
  .record(z.string(), z.string())
  .describe("Field name → CEL expression, evaluated when the request is logged.");

const logFilter = z
  .string()
  .optional()
  .describe("CEL: which requests the access log shows (true shows it); default all.");
const addedFields = celFields
  .optional()
  .describe("Fields to add to each line: name → CEL expression.");
const removedFields = stringList.optional().describe("Fields to leave out of each line, by name.");

const otlpLogsSchema = z
  .strictObject({
    host: tracingSchema.shape.host,
    protocol: tracingSchema.shape.protocol,
    path: z.string().optional().describe("The HTTP path records are posted to; default /v1/logs."),
    headers: tracingSchema.shape.headers,
    filter: z
      .string()
      .optional()
      .describe("CEL: which requests are sent (true sends); default the access log's filter."),
    fields: z
      .strictObject({ add: addedFields, remove: removedFields })
      .optional()
      .describe("The records' own fields; default the access log's add and remove."),
  })
  .describe(
    "Also send each access-log line as an OpenTelemetry log record over OTLP, with the line's fields as attributes and the request's trace and span ids.",
  );

type OtlpLogsConfig = z.infer<typeof otlpLogsSchema>;

export const accessLogSchema = z
  .strictObject({
    filter: logFilter,
    add: addedFields,
    remove: removedFields,
    otlp: otlpLogsSchema.optional(),
  })
  .describe(
    "The access log: Gatehouse prints one line per request and MCP call on stdout (`gatehouse serve`); the app's live log shows every request, with the added fields.",
  );

export type AccessLogConfig = z.infer<typeof accessLogSchema>;

/** agentgateway's older `config.logging`: the same access log, under other names. */
export const legacyLoggingSchema = z
  .strictObject({
    filter: logFilter,
    fields: z.strictObject({ add: addedFields, remove: removedFields }).optional(),
  })
  .describe(
    "agentgateway's older form of frontendPolicies.accessLog (filter, fields.add, fields.remove).",
  );

export type LegacyLoggingConfig = z.infer<typeof legacyLoggingSchema>;

/** Where `config.logging` is written; its keys are reported there, under their own names. */
const LEGACY_PATH = ["config", "logging"];

/** The access log as written in `frontendPolicies`, or in `config.logging` (normalize.ts). */
type AccessLogSetting = AccessLogConfig | { legacy: LegacyLoggingConfig };

/**
 * `accessLog`, as agentgateway's frontend policy: `filter` chooses the requests the access log
 * shows, `add` computes fields for each line, `remove` leaves fields out. It works on the log
 * events themselves, so the printed line, the JSON line and the app's live log all show what it
 * added; requests the filter leaves out are still in the live log and the denial file, which
 * keep every decision. With `otlp`, the lines its own filter keeps also go out as OTLP log
 * records, with its own fields when it has them.
 */
class AccessLog implements CompiledPolicy, Observation {
  private readonly removed: readonly string[] | undefined;

  constructor(
    private readonly filter: ParseResult | undefined,
    private readonly fields: readonly ComputedField[],
    remove: readonly string[],
    private readonly otlp?: OtlpRecords,
  ) {
    this.removed = removedList(remove);
  }

  /** The policy keeps nothing per request: one observation serves every request and call. */
  observe(): Observation {
    return this;
  }

  call(): Observation {
    return this;
  }

  logged(event: RequestEvent, context: () => LogContext): RequestEvent {
    const fields = this.fields.length > 0 ? computeFields(this.fields, context()) : undefined;
    const filteredOut = this.filter !== undefined && !keeps(this.filter, context());
    return {
      ...event,
      ...(fields && { fields }),
      ...(this.removed && { removed: this.removed }),
      ...(filteredOut && { filteredOut }),
    };
  }

  /** The line as logged, trace ids and all, goes out as a record when the OTLP filter keeps it. */
  published(event: RequestEvent, context: () => LogContext): void {
    const otlp = this.otlp;
    if (!otlp) return;
    const kept = otlp.filter ? keeps(otlp.filter, context()) : !event.filteredOut;
    if (!kept) return;
    if (!otlp.fields) {
      otlp.export.send(event);
      return;
    }
    const { add, removed } = otlp.fields;
    const fields = add.length > 0 ? computeFields(add, context()) : undefined;
    otlp.export.send({ ...event, fields, removed });
  }

  close(): Promise<void> {
    return this.otlp?.export.close() ?? Promise.resolve();
  }
}

/** `accessLog.otlp`, compiled: where records go, which and with what fields. */
interface OtlpRecords {
  export: AccessLogExport;
  /** Its own filter; without one, the access log's decides. */
  filter: ParseResult | undefined;
  /** Its own fields; without them, the line's. */
  fields: { add: readonly ComputedField[]; removed: readonly string[] | undefined } | undefined;
}

function removedList(remove: readonly string[]): readonly string[] | undefined {
  return remove.length > 0 ? Object.freeze([...remove]) : undefined;
}

/**
 * Compiles `accessLog.otlp`, and starts its export: the OpenTelemetry logs SDK is loaded only
 * for a config that sends records, as tracing's is.
 */
async function compileOtlp(
  config: OtlpLogsConfig,
  path: ConfigPath,
  ctx: CompileContext,
): Promise<OtlpRecords | undefined> {
  const endpoint = otlpOrigin(config.host);
  if ("error" in endpoint) ctx.problem([...path, "host"], endpoint.error);
  const filter =
    config.filter === undefined
      ? undefined
      : compileFilter(config.filter, [...path, "filter"], ctx);
  const add =
    config.fields && compileFields(config.fields.add ?? {}, [...path, "fields", "add"], ctx);
  if ("error" in endpoint || (config.filter !== undefined && !filter) || (config.fields && !add)) {
    return undefined;
  }
  const { startAccessLogExport } = await import("./access-log/otlp-records");
  const target = {
    protocol: config.protocol ?? "grpc",
    origin: endpoint.origin,
    path: config.path ?? "/v1/logs",
    headers: config.headers ?? {},
  };
  return {
    export: startAccessLogExport(target, ctx.notice),
    filter,
    fields: add && { add, removed: removedList(config.fields?.remove ?? []) },
  };
}

export const accessLog = definePolicy({
  key: "accessLog",
  // Only the frontendPolicies form is written here; normalize.ts brings the older one.
  schema: accessLogSchema as z.ZodType<AccessLogSetting>,
  attachments: ["frontend"],
  async compile(setting, path, ctx) {
    const legacy = "legacy" in setting ? setting.legacy : undefined;
    const config: AccessLogConfig = legacy
      ? { filter: legacy.filter, add: legacy.fields?.add, remove: legacy.fields?.remove }
      : (setting as AccessLogConfig);
    const at = legacy ? [...LEGACY_PATH, "fields"] : path;
    const filter =
      config.filter === undefined
        ? undefined
        : compileFilter(config.filter, [...(legacy ? LEGACY_PATH : path), "filter"], ctx);
    const fields = compileFields(config.add ?? {}, [...at, "add"], ctx);
    if ((config.filter !== undefined && !filter) || !fields) return undefined;
    const otlp = config.otlp && (await compileOtlp(config.otlp, [...path, "otlp"], ctx));
    if (config.otlp && !otlp) return undefined;
    return new AccessLog(filter, fields, config.remove ?? [], otlp);
  },
});
