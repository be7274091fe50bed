import type { Identity } from "../keystore/identities";
import { explainAccess } from "../gateway/explain-access";
import type { CompiledListener, CompiledRoute } from "../gateway/runtime";
import type { AccessCell, AccessMatrix } from "../../shared/ui-api";
import type { ListedTool } from "../gateway/relay/list-all-tools";

/** The claims a token minted for an identity carries, as far as rules can tell them apart. */
export type CallerClaims = (identity: Identity) => Record<string, unknown>;

/**
 * Who may use which tool on one route, as the gateway's explainAccess tells it for a caller with
 * each identity's claims: refused everywhere when the listener's or route's authentication or
 * `authorization` refuses it (why, as the gateway logs it), else what `mcpAuthorization`
 * decides per tool, with the deciding rule.
 */
export async function accessMatrix(
  listener: CompiledListener,
  route: CompiledRoute,
  tools: ListedTool[],
  identities: Identity[],
  claimsOf: CallerClaims,
): Promise<AccessMatrix> {
  const cells = await Promise.all(
    identities.map(async (identity): Promise<AccessCell[]> => {
      const explained = await explainAccess(listener, route, { claims: claimsOf(identity) });
      const { refused } = explained;
      if (refused) {
        const cell = { allowed: false, reason: `${refused.policy}: ${refused.reason}` };
        return tools.map(() => cell);
      }
      // An external service or a sign-in has its say at request time: an allowance is theirs too.
      const proviso = explained.unforeseen.length
        ? ` (if ${explained.unforeseen.join(" and ")} let it pass)`
        : "";
      return tools.map(({ target, name }) => {
        const { allowed, reason } = explained.item("tool", target, name);
        return { allowed, reason: allowed ? reason + proviso : reason };
      });
    }),
  );
  return {
    route: route.name,
    identities: identities.map((identity) => identity.name),
    tools,
    cells,
  };
}
