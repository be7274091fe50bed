/**
 * The ExtMCP messages, from ext_mcp.proto beside this module. The file is bundled as text
 * (Vite's `?raw`), so the build carries it and nothing is looked up on disk at run time.
 */
import protobuf from "protobufjs";
import extMcp from "./ext_mcp.proto?raw";

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // The one well-known type the file imports; protobufjs carries it.
  const struct = protobuf.common.get("google/protobuf/struct.proto") as protobuf.INamespace;
  root.addJSON(struct.nested ?? {});
  protobuf.parse(extMcp, root, { keepCase: true });
  root.resolveAll();
  return root;
}

const root = loadRoot();
const type = (name: string) => root.lookupType(`agentgateway.dev.ext_mcp.${name}`);

/** The full names of the two methods, as they go on the wire. */
export const CHECK_REQUEST = "/agentgateway.dev.ext_mcp.ExtMcp/CheckRequest";
export const CHECK_RESPONSE = "/agentgateway.dev.ext_mcp.ExtMcp/CheckResponse";

export const McpRequest = type("McpRequest");
export const McpRequestResult = type("McpRequestResult");
export const McpResponse = type("McpResponse");
export const McpResponseResult = type("McpResponseResult");
