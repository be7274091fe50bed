import type { Answer } from "../policy";
import type { IdpAnswer } from "./idp-call";

/**
 * What the OAuth endpoints a policy serves tell browsers: any origin may call them. They serve
 * public metadata or stand in for an identity provider's public endpoints, and browser-based
 * MCP clients (Inspector) reach them from another origin, sending the MCP protocol version.
 */
export function openCors(methods: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": `${methods}, OPTIONS`,
    "Access-Control-Allow-Headers": "authorization, content-type, mcp-protocol-version",
  };
}

export function json(status: number, body: unknown, cors: Record<string, string>): Answer {
  return {
    status,
    headers: { ...cors, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** The answer to a method the endpoint does not serve; OPTIONS is a preflight. */
export function otherMethod(method: string | undefined, cors: Record<string, string>): Answer {
  if (method === "OPTIONS") return { status: 200, headers: cors, body: "" };
  const allow = cors["Access-Control-Allow-Methods"] as string;
  return { status: 405, headers: { ...cors, Allow: allow }, body: "" };
}

/**
 * A failure that is not the client's: 502 when the identity provider could not be reached or
 * answered what cannot be used, 500 when the config cannot do what was asked. The reason goes
 * in the body for the client and in the log for the person running the gateway.
 */
export function failure(status: 500 | 502, error: Error, cors: Record<string, string>): Answer {
  return {
    status,
    headers: { ...cors, "Content-Type": "text/plain; charset=utf-8" },
    body: error.message,
    error: error.message,
  };
}

/** A request body larger than the endpoint takes. */
export function tooLarge(limit: number, cors: Record<string, string>): Answer {
  return {
    status: 413,
    headers: { ...cors, "Content-Type": "text/plain; charset=utf-8" },
    body: `the request body is larger than ${limit} bytes`,
  };
}

/** The identity provider's answer, relayed as it is, readable from any origin. */
export function relayed(answer: IdpAnswer, cors: Record<string, string>): Answer {
  const headers = { ...cors };
  for (const name of ["content-type", "cache-control", "pragma"]) {
    const value = answer.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: answer.status, headers, body: answer.body.toString("utf8") };
}
