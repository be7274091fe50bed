import type { Answer, PolicyRequest } from "../policy";

/** What a denial's body and headers may take: generous for a sign-in page, bounded. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** What a check sends of the request besides what it reads from `request` itself. */
export interface CheckInput {
  request: PolicyRequest;
  /** The request's headers as the service is sent them (includeRequestHeaders). */
  headers: Record<string, string>;
  /** The body, when includeRequestBody asks for it. */
  body: BodyPart | undefined;
}

export interface BodyPart {
  bytes: Buffer;
  /** Only the first maxRequestBytes of a longer body (allowPartialMessage). */
  partial: boolean;
}

/**
 * How a header the service returns is applied, as Envoy's HeaderValueOption says: added to the
 * values already there, added only where there is none, or replacing them.
 */
export type HeaderAction = "append" | "addIfAbsent" | "overwrite" | "overwriteIfExists";

export interface HeaderChange {
  name: string;
  value: string;
  action: HeaderAction;
}

/** The service allowed the request, and how it changes it. */
export interface AllowVerdict {
  kind: "allow";
  /** Changes to the request, seen by later steps and sent on to HTTP targets. */
  requestHeaders: HeaderChange[];
  removeHeaders: string[];
  /** Headers for the answer the client gets. */
  responseHeaders: HeaderChange[];
  /** Values the HTTP check's `metadata` computed from the answer: CEL's `extauthz` after it. */
  metadata?: Record<string, unknown>;
}

/** What the authorization service decided, or why it could not. */
export type Verdict =
  AllowVerdict | { kind: "deny"; answer: Answer } | { kind: "unavailable"; cause: string };

/** One way of asking the service (gRPC or HTTP). */
export interface AuthorizationCheck {
  /** Never rejects: a failure to ask is an `unavailable` verdict. */
  check(input: CheckInput): Promise<Verdict>;
  close(): void;
}

/** The answer agentgateway gives when external authorization refuses without one of its own. */
export function authorizationFailed(status: number, reason: string, body?: string): Answer {
  return {
    status,
    headers: { "Content-Type": "text/plain" },
    body: body ?? "external authorization failed",
    reason,
  };
}
