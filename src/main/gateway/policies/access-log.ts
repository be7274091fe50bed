import type { ParseResult } from "@marcbachmann/cel-js";
import { z } from "zod";
import type { RequestEvent } from "../../../shared/log-event";
import { stringList } from "../../config/schema-parts";
import type { LogContext } from "./log-context";
import {
  compileFields,
  compileFilter,
  computeFields,
  keeps,
  type ComputedField,
} from "./log-expressions";
import { definePolicy, type CompiledPolicy, type Observation } from "./policy";

const celFields = z
  .record(z.string(), z.string())
  .describe("Field name → CEL expression, evaluated when the request is logged.");

export const accessLogSchema = z
  .strictObject({
    filter: z
      .string()
      .optional()
      .describe("CEL: which requests the access log shows (true shows it); default all."),
    add: celFields.optional().describe("Fields to add to each line: name → CEL expression."),
    remove: stringList.optional().describe("Fields to leave out of each line, by name."),
  })
  .describe(
    "The access log: Gatehouse prints one line per request and MCP call on stdout (`gatehouse serve`); the app's live log shows every request, with the added fields.",
  );

export type AccessLogConfig = z.infer<typeof accessLogSchema>;

/** agentgateway's older `config.logging`: the same access log, under other names. */
export const legacyLoggingSchema = z
  .strictObject({
    filter: accessLogSchema.shape.filter,
    fields: z
      .strictObject({ add: accessLogSchema.shape.add, remove: accessLogSchema.shape.remove })
      .optional(),
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
 * keep every decision.
 */
class AccessLog implements CompiledPolicy, Observation {
  private readonly removed: readonly string[] | undefined;

  constructor(
    private readonly filter: ParseResult | undefined,
    private readonly fields: readonly ComputedField[],
    remove: readonly string[],
  ) {
    this.removed = remove.length > 0 ? Object.freeze([...remove]) : undefined;
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
}

export const accessLog = definePolicy({
  key: "accessLog",
  // Only the frontendPolicies form is written here; normalize.ts brings the older one.
  schema: accessLogSchema as z.ZodType<AccessLogSetting>,
  attachments: ["frontend"],
  compile(setting, path, ctx) {
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
    return new AccessLog(filter, fields, config.remove ?? []);
  },
});
