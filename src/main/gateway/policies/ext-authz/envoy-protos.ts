/**
 * Envoy's authorization and external processing messages, from the .proto files beside this
 * module and ext-proc's. They are bundled as text (Vite's `?raw`), so the build carries them and
 * nothing is looked up on disk at run time.
 */
import protobuf from "protobufjs";
import address from "./proto/envoy/config/core/v3/address.proto?raw";
import base from "./proto/envoy/config/core/v3/base.proto?raw";
import attributeContext from "./proto/envoy/service/auth/v3/attribute_context.proto?raw";
import externalAuth from "./proto/envoy/service/auth/v3/external_auth.proto?raw";
import httpStatus from "./proto/envoy/type/v3/http_status.proto?raw";
import rpcStatus from "./proto/google/rpc/status.proto?raw";
import externalProcessor from "../ext-proc/proto/envoy/service/ext_proc/v3/external_processor.proto?raw";

/** The well-known types the files import; protobufjs carries them. */
const WELL_KNOWN = ["any", "struct", "timestamp", "wrappers"].map(
  (name) => `google/protobuf/${name}.proto`,
);

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const file of WELL_KNOWN) {
    root.addJSON((protobuf.common.get(file) as protobuf.INamespace).nested ?? {});
  }
  const common = [rpcStatus, httpStatus, address, base];
  for (const source of [...common, attributeContext, externalAuth, externalProcessor]) {
    protobuf.parse(source, root, { keepCase: true });
  }
  root.resolveAll();
  return root;
}

const root = loadRoot();

/** The full name of the method, as it goes on the wire. */
export const CHECK_METHOD = "/envoy.service.auth.v3.Authorization/Check";
export const CheckRequest = root.lookupType("envoy.service.auth.v3.CheckRequest");
export const CheckResponse = root.lookupType("envoy.service.auth.v3.CheckResponse");

export const PROCESS_METHOD = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";
export const ProcessingRequest = root.lookupType("envoy.service.ext_proc.v3.ProcessingRequest");
export const ProcessingResponse = root.lookupType("envoy.service.ext_proc.v3.ProcessingResponse");
