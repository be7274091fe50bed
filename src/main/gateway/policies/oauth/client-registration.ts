import type { IncomingMessage } from "node:http";
import { readBounded } from "../../relay/read-bounded";
import type { Answer } from "../policy";
import { failure, json, openCors, otherMethod, relayed, tooLarge } from "./answers";
import { callIdentityProvider } from "./idp-call";
import type { Registration } from "./identity-providers";

/** Client metadata is a few hundred bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;

const CORS = openCors("POST");

/** What the gateway's registration endpoint does. */
type Registrar =
  | { kind: "preRegistered"; clientId: string }
  | { kind: "forward"; url: () => string }
  | { kind: "missing"; why: string };

/**
 * The registration endpoint (RFC 7591) the gateway serves for an identity provider: with a
 * `clientId`, every client is handed that pre-registered client; otherwise the request is
 * forwarded to the provider (which sends no CORS headers), or refused with the reason when the
 * provider has no registration.
 */
export class ClientRegistration {
  private constructor(private readonly registrar: Registrar) {}

  /** The endpoint for a provider, or undefined where clients register with the provider itself. */
  static for(
    issuer: string,
    registration: Registration,
    clientId: string | undefined,
  ): ClientRegistration | undefined {
    if (clientId !== undefined) return new ClientRegistration({ kind: "preRegistered", clientId });
    if (registration.kind === "own") return undefined;
    if (registration.kind === "missing") return new ClientRegistration(registration);
    return new ClientRegistration({ kind: "forward", url: () => registration.url(issuer) });
  }

  async serve(req: IncomingMessage): Promise<Answer> {
    if (req.method !== "POST") return otherMethod(req.method, CORS);
    const body = await readBounded(req, MAX_REQUEST_BYTES);
    if (!body) return tooLarge(MAX_REQUEST_BYTES, CORS);
    const { registrar } = this;
    if (registrar.kind === "preRegistered") return preRegistered(body, registrar.clientId);
    if (registrar.kind === "missing") return failure(500, new Error(registrar.why), CORS);
    let url: string;
    try {
      url = registrar.url();
    } catch (error) {
      return failure(500, error as Error, CORS);
    }
    const headers: Record<string, string> = {
      "content-type": req.headers["content-type"] ?? "application/json",
      accept: "application/json",
    };
    // Some providers (Okta) want a credential for registration; it is the client's to give.
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    try {
      return relayed(await callIdentityProvider(url, { method: "POST", headers, body }), CORS);
    } catch (error) {
      return failure(502, error as Error, CORS);
    }
  }
}

/**
 * agentgateway's answer for a pre-registered client: that client, a public one (PKCE, no
 * secret), with the redirect URIs the client asked for, which strict clients check. Whether
 * they are allowed is for the identity provider to decide when the client signs in.
 */
function preRegistered(body: Buffer, clientId: string): Answer {
  let requested: unknown;
  try {
    requested = JSON.parse(body.toString("utf8"));
  } catch {
    requested = undefined;
  }
  const uris = (requested as { redirect_uris?: unknown } | undefined)?.redirect_uris;
  return json(
    201,
    {
      client_id: clientId,
      client_id_issued_at: 0,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: Array.isArray(uris) ? uris.filter((uri) => typeof uri === "string") : [],
    },
    CORS,
  );
}
