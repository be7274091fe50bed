import type { Report } from "./normalize-backends";
import type { RawConfig, RoutePolicies } from "./schema";

/**
 * `frontendPolicies` with agentgateway's older `config.tracing` and `config.logging` taken in,
 * as agentgateway merges them: the same two policies, each written in one place or the other.
 * The policies compile the older form themselves, so their problems point where it is written.
 */
export function frontendPolicies(raw: RawConfig, report: Report): RoutePolicies | undefined {
  const written = raw.frontendPolicies ?? undefined;
  const { tracing, logging } = raw.config ?? {};
  const logs = logging && (logging.filter !== undefined || hasFields(logging.fields));
  if (!tracing && !logs) return written;
  const merged: RoutePolicies = { ...written };
  if (tracing) {
    if (written?.tracing) report(["config", "tracing"], both("config.tracing", "tracing"));
    else merged.tracing = { legacy: tracing };
  }
  if (logs) {
    if (written?.accessLog) report(["config", "logging"], both("config.logging", "accessLog"));
    else merged.accessLog = { legacy: logging };
  }
  return merged;
}

function hasFields(fields: { add?: object; remove?: unknown[] } | undefined): boolean {
  return Object.keys(fields?.add ?? {}).length > 0 || (fields?.remove?.length ?? 0) > 0;
}

function both(older: string, newer: string): string {
  return `${older} and frontendPolicies.${newer} are the same setting: keep one (frontendPolicies.${newer} is the newer form)`;
}
