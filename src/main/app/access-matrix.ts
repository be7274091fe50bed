import type { Identity } from "../keystore/identities";
import type { Access, Caller } from "../gateway/policies/caller";
import { toCelValue, type CelContext } from "../gateway/policies/cel";
import { authorization } from "../gateway/policies/authorization";
import { mcpAuthorization } from "../gateway/policies/mcp-authorization";
import type { CompiledRoute } from "../gateway/runtime";
import type { AccessCell, AccessMatrix } from "../../shared/ui-api";
import type { ListedTool } from "../gateway/relay/list-all-tools";

/** The claims a token minted for an identity carries, as far as rules can tell them apart. */
export type CallerClaims = (identity: Identity) => Record<string, unknown>;

const OPEN: AccessCell = { allowed: true, reason: "no mcpAuthorization on this route" };

/**
 * Who may use which tool on one route, decided by the route's own compiled policies (its
 * `authorization`, then `mcpAuthorization`) for a caller with each identity's claims, with the
 * request a local client would send. The gateway's evaluators decide, so the matrix and the
 * gateway cannot disagree.
 */
export function accessMatrix(
  route: CompiledRoute,
  path: string,
  tools: ListedTool[],
  identities: Identity[],
  claimsOf: CallerClaims,
): AccessMatrix {
  return {
    route: route.name,
    identities: identities.map((identity) => identity.name),
    tools,
    cells: identities.map((identity) => {
      const access = accessFor(claimsOf(identity), path);
      const context = access.context as CelContext;
      const admitted = route.find(authorization)?.rules.decide(context);
      if (admitted && !admitted.allowed) {
        const refused = { allowed: false, reason: `authorization: ${admitted.reason}` };
        return tools.map(() => refused);
      }
      const policy = route.find(mcpAuthorization);
      if (!policy) return tools.map(() => OPEN);
      return tools.map(({ target, name }) => {
        const { allowed, reason } = policy.decide(access, "tool", target, name);
        return { allowed, reason };
      });
    }),
  };
}

/** The same shape as celContext() builds for a request from a local client with this token. */
function accessFor(claims: Record<string, unknown>, path: string): Access {
  const caller: Caller = {
    claims,
    subject: typeof claims.sub === "string" ? claims.sub : undefined,
    issuer: typeof claims.iss === "string" ? claims.iss : undefined,
    token: undefined,
  };
  const context: CelContext = {
    jwt: toCelValue(claims),
    request: { method: "POST", path, host: "localhost", headers: {} },
    source: { address: "127.0.0.1" },
    apiKey: null,
    basicAuth: null,
    extauthz: null,
  };
  return { caller, context };
}
