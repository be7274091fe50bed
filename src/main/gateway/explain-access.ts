import type { IncomingMessage } from "node:http";
import { apiKey } from "./policies/api-key";
import { authorization } from "./policies/authorization";
import type { Authenticator } from "./policies/authenticator";
import { basicAuth } from "./policies/basic-auth";
import type { Caller } from "./policies/caller";
import type { Decision } from "./policies/cel";
import { jwtAuth } from "./policies/jwt-auth";
import { mcpAuthentication } from "./policies/mcp-authentication";
import { mcpAuthorization } from "./policies/mcp-authorization";
import { PolicyRequest, type PolicyKind, type StepResult } from "./policies/policy";
import type { ItemKind } from "./relay/namespace";
import type { Compiled, CompiledListener, CompiledRoute } from "./runtime";

/**
 * Who the caller is: the token it presents (verified as a request's would be), the claims of a
 * token it would present (a current one, signed by a key the route trusts), or no credential.
 */
export type Presented =
  { token: string } | { claims: Record<string, unknown> } | { anonymous: true };

/** A step that would answer in place of the targets. */
export interface Refusal {
  /** 401 from authentication, 403 from an `authorization` rule. */
  status: number;
  /** The policy that answers, by its config key. */
  policy: string;
  /** Why, as the gateway's log gives it (for jwtAuth, the text after "authentication failure: "). */
  reason: string;
}

/** What a route decides for one caller, before and at the relay. */
export interface AccessExplanation {
  /** Set when the listener's or the route's authentication or HTTP rules refuse the caller. */
  refused?: Refusal;
  /** Who the authentication steps took the caller for (anonymous when none vouched for it). */
  caller: Caller;
  /**
   * Policies whose say cannot be foreseen, by config key: they ask an external service
   * (`extAuthz`) or a browser's sign-in (`oidc`) when the request comes. An explanation without
   * a refusal holds unless one of them refuses.
   */
  unforeseen: string[];
  /**
   * What `mcpAuthorization` decides for one tool, prompt or resource in a list: the deciding
   * rule. A tool some rule needs a call's arguments for is listed (`callDecides`).
   */
  item(kind: ItemKind, target: string, name: string): Decision;
  /** What `mcpAuthorization` decides for a `tools/call` with these arguments, as the relay does. */
  toolCall(target: string, name: string, args: unknown): Decision;
}

const NO_MCP_AUTHORIZATION: Decision = Object.freeze({
  allowed: true,
  reason: "no mcpAuthorization on this route",
});

/** Steps that decide who may pass, and can be asked without side effects. */
const FORESEEN: readonly PolicyKind[] = [
  jwtAuth,
  mcpAuthentication,
  apiKey,
  basicAuth,
  authorization,
];

/**
 * What a route of a listener decides for a caller, by the compiled policies that serve its
 * requests: the listener's, then the route's authentication and `authorization` steps, in
 * pipeline order, run on the request a local MCP client sends to the route (a POST to its
 * path), then `mcpAuthorization` per item. The CEL context is the one the gateway builds, so
 * the explanation and the gateway cannot disagree. Steps that do not decide who may pass
 * (limits, header changes, answers in place of the targets) are not run.
 */
export async function explainAccess(
  listener: CompiledListener,
  route: CompiledRoute,
  presented: Presented,
): Promise<AccessExplanation> {
  const path = clientPath(route);
  const request = new PolicyRequest(clientRequest(listener, route, path, presented), path);
  const unforeseen: string[] = [];
  let refused: Refusal | undefined;
  for (const step of [...listener.stepPolicies, ...route.stepPolicies]) {
    const { step: at } = step.kind;
    if (at !== "authenticate" && at !== "authorize") continue;
    if (!FORESEEN.includes(step.kind)) {
      unforeseen.push(step.kind.key);
      continue;
    }
    const answer = await decide(step, request, presented);
    if (answer) {
      const reason = answer.reason ?? answer.body;
      refused = { status: answer.status, policy: step.kind.key, reason };
      break;
    }
  }
  const rules = route.find(mcpAuthorization);
  const access = { caller: request.caller, context: rules && request.context() };
  return {
    ...(refused && { refused }),
    caller: request.caller,
    unforeseen,
    item: (kind, target, name) =>
      rules ? rules.decide(access, kind, target, name) : NO_MCP_AUTHORIZATION,
    toolCall: (target, name, args) =>
      rules ? rules.decideCall(access, target, name, args) : NO_MCP_AUTHORIZATION,
  };
}

/** One step's answer; a token authenticator judges bare claims as it would their token. */
function decide(
  { kind, policy }: Compiled,
  request: PolicyRequest,
  presented: Presented,
): StepResult | Promise<StepResult> {
  const authenticator = authenticatorOf(kind, policy);
  if (authenticator && "claims" in presented) {
    return authenticator.handleClaims(request, presented.claims);
  }
  // The request carries the token where there is one: the step reads it as it would.
  return (policy.handle as NonNullable<typeof policy.handle>)(request);
}

function authenticatorOf(kind: PolicyKind, policy: Compiled["policy"]): Authenticator | undefined {
  if (kind === jwtAuth) return policy as Authenticator;
  if (kind === mcpAuthentication) {
    return (policy as { authenticator: Authenticator }).authenticator;
  }
  return undefined;
}

/** The path a client of the route requests: its first path, or /mcp where it takes any. */
function clientPath(route: CompiledRoute): string {
  const match = route.spec.paths[0];
  return match && match.value !== "/" ? match.value : "/mcp";
}

/** The request an MCP client on this machine opens a session with, bearing the token if any. */
function clientRequest(
  listener: CompiledListener,
  route: CompiledRoute,
  path: string,
  presented: Presented,
): IncomingMessage {
  const host = route.spec.hostnames[0] ?? `localhost:${listener.spec.port}`;
  const headers: Record<string, string> = {
    host,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if ("token" in presented) headers.authorization = `Bearer ${presented.token}`;
  const request = {
    method: "POST",
    url: path,
    headers,
    rawHeaders: Object.entries(headers).flat(),
    socket: { remoteAddress: "127.0.0.1" },
  };
  return request as unknown as IncomingMessage;
}
