/**
 * `extProc`: each request goes through an external processor (Envoy's ext_proc over gRPC) on
 * its way in, as agentgateway does: the processor is sent the request's headers (and its body,
 * if the processing options ask), and may change the headers, which the steps after this one
 * and HTTP targets then see, or answer in place of the targets. It is then sent the answer's
 * status and headers before they are written, and may change them or replace the answer.
 * When the processor fails, `failureMode` decides.
 */
import { compileChoice, type Choice } from "./conditional";
import type { CompileContext } from "./compile-context";
import { serviceAddress } from "./ext-authz/service-address";
import { extProcSchema, type ExtProcSettings } from "./ext-proc/config";
import type { ExtProcVariant } from "./ext-proc/processing";
import type { Processor } from "./ext-proc/processor-stream";
import { definePolicy, type PolicyRequest } from "./policy";

/** How long Gatehouse waits for each of the processor's messages. */
const MESSAGE_TIMEOUT_MS = 2000;

function compileVariant(
  Variant: typeof ExtProcVariant,
  settings: ExtProcSettings & { host: string },
  path: readonly (string | number)[],
  ctx: CompileContext,
  open: (host: string) => Processor | undefined,
): ExtProcVariant | undefined {
  const processor = open(settings.host);
  if (!processor) return undefined;
  return new Variant(
    processor,
    settings.processingOptions ?? {},
    settings.failureMode ?? "failClosed",
    path.join("."),
    ctx.notice,
  );
}

export const extProc = definePolicy({
  key: "extProc",
  schema: extProcSchema,
  attachments: ["gateway", "listener", "route"],
  step: "modify",
  async compile(config, path, ctx) {
    // grpc-js and the protos are loaded with the first config that uses extProc.
    const [{ Processor }, { ExtProcVariant }] = await Promise.all([
      import("./ext-proc/processor-stream"),
      import("./ext-proc/processing"),
    ]);
    const processors: Processor[] = [];
    const open = (host: string, at: readonly (string | number)[]) => {
      const address = serviceAddress(host);
      if ("error" in address) {
        ctx.problem([...at, "host"], address.error);
        return undefined;
      }
      const processor = new Processor(address, MESSAGE_TIMEOUT_MS);
      processors.push(processor);
      return processor;
    };
    const closeAll = () => {
      for (const processor of processors) processor.close();
      return Promise.resolve();
    };
    // The plain form's host is there: the schema requires it where there is no `conditional`.
    const choice: Choice<ExtProcVariant> | undefined = compileChoice(
      config as typeof config & { host: string },
      path,
      ctx,
      (settings, at) => compileVariant(ExtProcVariant, settings, at, ctx, (host) => open(host, at)),
    );
    if (!choice) {
      await closeAll();
      return undefined;
    }
    return {
      readsContext: choice.readsContext,
      variesByCaller: true,
      handle: (request: PolicyRequest) => choice.choose(request)?.process(request),
      close: closeAll,
    };
  },
});
