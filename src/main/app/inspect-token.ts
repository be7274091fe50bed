import { decodeJwt, decodeProtectedHeader } from "jose";
import type { RouteVerdict, TokenInspection } from "../../shared/ui-api";
import { jwtAuth } from "../gateway/policies/jwt-auth";
import { mcpAuthentication } from "../gateway/policies/mcp-authentication";
import type { CompiledRoute, Runtime } from "../gateway/runtime";

/**
 * Decodes a token and asks every authenticating route of a runtime whether it would accept it,
 * through the very authenticators that serve requests, so the answer cannot drift from the
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
      const authenticators = tokenAuthenticators(route);
      if (authenticators.length === 0) continue;
      const verdict: RouteVerdict = {
        route: `${listener.spec.name}/${route.name}`,
        accepted: true,
      };
      for (const authenticator of authenticators) {
        const result = await authenticator.verify(token);
        if (!result.ok) {
          Object.assign(verdict, { accepted: false, reason: result.reason });
          break;
        }
        verdict.issuer = result.issuer;
      }
      inspection.verdicts.push(verdict);
    }
  }
  return inspection;
}

/** The route's bearer-token policies, in the order the pipeline runs them. */
function tokenAuthenticators(route: CompiledRoute) {
  const oauth = route.find(mcpAuthentication)?.authenticator;
  return [route.find(jwtAuth), oauth].filter((found) => found !== undefined);
}
