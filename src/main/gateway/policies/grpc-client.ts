/**
 * The channel to a policy's gRPC service (extAuthz, extProc, mcpGuardrails). Loaded only by the
 * modules that speak gRPC, which are loaded only by a config that uses one.
 */
import { Client, credentials } from "@grpc/grpc-js";
import { grpcTarget, type ServiceAddress, type SocketAddress } from "./ext-authz/service-address";

/** A client for `address`, over TLS for an https:// address, taking answers up to a bound. */
export function grpcClient(
  address: ServiceAddress | SocketAddress,
  maxAnswerBytes: number,
): Client {
  const secure = "secure" in address && address.secure;
  const channelCredentials = secure ? credentials.createSsl() : credentials.createInsecure();
  return new Client(grpcTarget(address), channelCredentials, {
    "grpc.max_receive_message_length": maxAnswerBytes,
  });
}
