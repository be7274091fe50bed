import type { IncomingMessage } from "node:http";
import { readBounded } from "../../relay/read-bounded";
import type { Answer } from "../policy";
import { failure, json, openCors, otherMethod, relayed, tooLarge } from "./answers";
import type { EntraEndpoints } from "./entra-endpoints";
import { callIdentityProvider } from "./idp-call";

/** A token request is a short form. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** The grants a user signs in for; only these may carry the gateway's secret. */
const USER_GRANTS = new Set(["authorization_code", "refresh_token"]);

/** Fields that decide whether the secret is attached: a repeated one could say two things. */
const SINGLE_FIELDS = ["grant_type", "client_id", "client_secret"];

/**
 * Entra's authorize and token endpoints, as the gateway advertises them. MCP clients must send
 * RFC 8707's `resource`, and Entra's v2.0 endpoints refuse it (AADSTS9010010), so both strip it
 * before Entra sees the request.
 */
export class EntraProxy {
  constructor(
    private readonly endpoints: EntraEndpoints,
    private readonly clientId: string | undefined,
    private readonly clientSecret: string | undefined,
  ) {}

  /** The browser is sent on to Entra with the same query, less `resource`. */
  authorize(req: IncomingMessage): Answer {
    const cors = openCors("GET");
    if (req.method !== "GET" && req.method !== "HEAD") return otherMethod(req.method, cors);
    const location = new URL(this.endpoints.authorization);
    const url = req.url ?? "";
    const query = url.indexOf("?");
    if (query !== -1) location.search = url.slice(query + 1);
    location.searchParams.delete("resource");
    return { status: 302, headers: { Location: location.href }, body: "" };
  }

  /**
   * The token request is forwarded without `resource`. The configured secret belongs to the app
   * registration `clientId` names, which Entra may treat as a confidential client; it is
   * attached only to a user's grant for that client that carries no credential of its own.
   * This endpoint is open to anyone, so any other grant (client_credentials above all) would
   * hand out tokens in the gateway's name.
   */
  async token(req: IncomingMessage): Promise<Answer> {
    const cors = openCors("POST");
    if (req.method !== "POST") return otherMethod(req.method, cors);
    const body = await readBounded(req, MAX_REQUEST_BYTES);
    if (!body) return tooLarge(MAX_REQUEST_BYTES, cors);
    const form = new URLSearchParams(body.toString("utf8"));
    const repeated = SINGLE_FIELDS.find((field) => form.getAll(field).length > 1);
    if (repeated) {
      const description = `${repeated} is given more than once`;
      return json(400, { error: "invalid_request", error_description: description }, cors);
    }
    form.delete("resource");
    const { authorization } = req.headers;
    if (
      this.clientSecret !== undefined &&
      authorization === undefined &&
      !form.has("client_secret") &&
      form.get("client_id") === this.clientId &&
      USER_GRANTS.has(form.get("grant_type") ?? "")
    ) {
      form.set("client_secret", this.clientSecret);
    }
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    // A client authenticating with client_secret_basic carries its own credential.
    if (authorization !== undefined) headers.authorization = authorization;
    try {
      const answer = await callIdentityProvider(this.endpoints.token, {
        method: "POST",
        headers,
        body: form.toString(),
      });
      return relayed(answer, cors);
    } catch (error) {
      return failure(502, error as Error, cors);
    }
  }
}
