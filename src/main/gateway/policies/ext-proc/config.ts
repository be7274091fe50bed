/**
 * The `extProc` config, as agentgateway's `ExtProc` (crates/agentgateway/src/http/ext_proc.rs)
 * reads it, in its plain and its conditional form. Keys Gatehouse does not take are refused by
 * name, with why.
 */
import { z } from "zod";
import { withConditional } from "../conditional";
import { notTaken } from "../../../config/schema-parts";
import { serviceAddress } from "../ext-authz/service-address";

const NOT_YET = "not implemented yet";
const BY_HOST = "name the processor with `host`";

const headerMode = z.enum(["send", "skip"]);

const processingOptions = z
  .strictObject({
    requestHeaderMode: headerMode
      .optional()
      .describe("Send the request's headers to the processor (default), or skip them."),
    responseHeaderMode: headerMode
      .optional()
      .describe("Send the answer's status and headers to the processor (default), or skip them."),
    requestBodyMode: z
      .enum(["none", "buffered", "bufferedPartial", "fullDuplexStreamed"])
      .optional()
      .describe(
        "Whether the request body (a JSON-RPC message) is sent: none, or any other mode, which sends it whole, in one message. The processor may not change it.",
      ),
    responseBodyMode: z
      .literal("none", {
        error:
          'not supported by Gatehouse: answers are not sent to the processor, as MCP answers are streams of events; write "none"',
      })
      .optional()
      .describe("Only none: Gatehouse sends the processor no answer bodies."),
    requestTrailerMode: headerMode
      .optional()
      .describe("Send request trailers; MCP requests over HTTP/1.1 carry none."),
    responseTrailerMode: headerMode
      .optional()
      .describe("Send answer trailers; Gatehouse's answers carry none."),
    allowModeOverride: z
      .boolean()
      .optional()
      .describe(
        "Let the request headers' response change the response header mode and the request body mode (`mode_override`).",
      ),
  })
  .describe("Which parts of a request and its answer are sent to the processor.");

const ownShape = {
  host: z
    .string()
    .superRefine((host, ctx) => {
      const address = serviceAddress(host);
      if ("error" in address) ctx.addIssue({ code: "custom", message: address.error });
    })
    .describe("The processor's gRPC address: host:port, or an http:// or https:// URL."),
  failureMode: z
    .enum(["failClosed", "failOpen"])
    .optional()
    .describe(
      "When the processor fails or cannot be reached: answer 500 (failClosed, default), or pass the request as it is (failOpen).",
    ),
  processingOptions: processingOptions.optional(),
  service: notTaken(`Gatehouse has no services list; ${BY_HOST}`),
  backend: notTaken(BY_HOST),
  policies: notTaken(NOT_YET),
  metadataContext: notTaken(NOT_YET),
  requestAttributes: notTaken(NOT_YET),
  responseAttributes: notTaken(NOT_YET),
};

export const extProcSchema = withConditional(ownShape, ["host"]).describe(
  "Send each request's headers (and, if asked, its body) and its answer's headers through an external processor (Envoy's ext_proc over gRPC), which may change them or answer in place of the targets.",
);

export type ExtProcConfig = z.infer<typeof extProcSchema>;
/** The settings of one variant: the plain form, or one entry of `conditional`. */
export type ExtProcSettings = Omit<ExtProcConfig, "conditional">;
export type FailureModeConfig = NonNullable<ExtProcConfig["failureMode"]>;
export type ProcessingOptionsConfig = z.infer<typeof processingOptions>;
