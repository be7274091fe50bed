import { z } from "zod";
import { stringList } from "../../../config/schema-parts";
import type { ConfigPath } from "../compile-context";
import { samplingSchema } from "./sampling";

/** agentgateway's older `config.tracing`: the same tracing, under other names. */
export const legacyTracingSchema = z
  .strictObject({
    otlpEndpoint: z
      .string()
      .min(1)
      .describe(
        "The OTLP receiver: a URL (http, https, or grpc; a path in it is where spans go) or host:port.",
      ),
    otlpProtocol: z.enum(["grpc", "http"]).optional().describe("grpc (default) or http."),
    headers: z.record(z.string(), z.string()).optional().describe("Sent with every export."),
    path: z.string().optional().describe("The HTTP path spans are posted to; default /v1/traces."),
    fields: z
      .strictObject({
        add: z.record(z.string(), z.string()).optional().describe("Span attributes: name → CEL."),
        remove: stringList.optional().describe("Attributes to leave out, by name."),
      })
      .optional(),
    randomSampling: samplingSchema.optional(),
    clientSampling: samplingSchema.optional(),
  })
  .describe("agentgateway's older form of frontendPolicies.tracing.");

export type LegacyTracingConfig = z.infer<typeof legacyTracingSchema>;

/** Where `config.tracing` is written. */
const LEGACY_PATH = ["config", "tracing"];

/** Where each of the newer form's keys is written in the older one. */
const LEGACY_KEYS: Readonly<Record<string, ConfigPath>> = {
  host: ["otlpEndpoint"],
  protocol: ["otlpProtocol"],
  attributes: ["fields", "add"],
  remove: ["fields", "remove"],
};

/** The key path of a newer key as the older form writes it, so problems point there. */
export function legacyPath(key: string): ConfigPath {
  return [...LEGACY_PATH, ...(LEGACY_KEYS[key] ?? [key])];
}

/**
 * `otlpEndpoint` as agentgateway reads it: a URL's path is where spans go (over `path`); a
 * `grpc://` URL is plain HTTP/2 (port 4317 unless it says); no scheme means host:port.
 */
export function legacyEndpoint(endpoint: string): { host: string; path?: string } {
  if (!endpoint.includes("://")) return { host: endpoint };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { host: endpoint };
  }
  const path = url.pathname !== "/" && url.pathname !== "" ? url.pathname + url.search : undefined;
  if (url.protocol !== "grpc:") return { host: url.origin, path };
  return { host: `http://${url.hostname}:${url.port || "4317"}`, path };
}
