import { decodeJwt, decodeProtectedHeader } from "jose";
import type { TokenInspection } from "../../shared/ui-api";
import { jwtAuth } from "../gateway/policies/jwt-auth";
import { mcpAuthentication } from "../gateway/policies/mcp-authentication";
import { explainAccess } from "../gateway/explain-access";
import type { CompiledPolicies, Runtime } from "../gateway/runtime";

/**
 * Decodes a token and asks every route of a runtime that authenticates bearer tokens (on the
 * route or its listener) whether it would accept it: the gateway's explainAccess verifies it
 * with the very authenticators that serve requests, so the answer cannot drift from the
 * gateway's behaviour. Without a runtime it only decodes.
 */
export async function inspectToken(token: string, runtime?: Runtime): Promise<TokenInspection> {
  const inspection: TokenInspection = { verdicts: [] };
  try {
    inspection.header = decodeProtectedHeader(token) as Record<string, unknown>;
    inspection.claims = decodeJwt(token) as Record<string, unknown>;
  } catch (error) {
    inspection.malformed = (error as Error).message;
  }
  for (const listener of runtime?.listeners ?? []) {
    for (const route of listener.routes) {
      if (!authenticatesTokens(listener) && !authenticatesTokens(route)) continue;
      const { refused, caller } = await explainAccess(listener, route, { token });
      const name = `${listener.spec.name}/${route.name}`;
      inspection.verdicts.push(
        refused && refused.status === 401
          ? { route: name, accepted: false, reason: refused.reason }
          : { route: name, accepted: true, issuer: caller.issuer },
      );
    }
  }
  return inspection;
}

/** Whether bearer tokens are verified here: by jwtAuth or mcpAuthentication. */
function authenticatesTokens(point: CompiledPolicies): boolean {
  return point.stepPolicies.some(({ kind }) => kind === jwtAuth || kind === mcpAuthentication);
}
