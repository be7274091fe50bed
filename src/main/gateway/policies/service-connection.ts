import { z } from "zod";
import { duration, notTaken } from "../../config/schema-parts";

const NOT_YET = "not implemented yet";

/**
 * The `policies` of a connection to a policy's own service (extAuthz, mcpGuardrails): only its
 * time limit is taken; agentgateway's other backend policies are refused by name.
 */
export function serviceConnectionPolicies(service: string, defaultTimeout: string, http2: boolean) {
  return z
    .strictObject({
      http: z
        .strictObject({
          requestTimeout: duration
            .optional()
            .describe(
              `How long a check may take before it counts as failed; default ${defaultTimeout}.`,
            ),
          version: notTaken(
            http2 ? `${NOT_YET}; the server is called over HTTP/2, as gRPC is` : NOT_YET,
          ),
        })
        .optional(),
      backendTLS: notTaken(`${NOT_YET}; an https:// host is checked against the system's CAs`),
      backendAuth: notTaken(NOT_YET),
      tcp: notTaken(NOT_YET),
      requestHeaderModifier: notTaken(NOT_YET),
      transformations: notTaken(NOT_YET),
      backendTunnel: notTaken("Gatehouse runs standalone, outside a mesh"),
    })
    .describe(`How Gatehouse connects to the ${service}.`);
}
