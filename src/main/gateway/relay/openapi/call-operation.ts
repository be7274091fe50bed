import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Fetch } from "../../policies/policy";
import { MAX_MESSAGE_BYTES } from "../jsonrpc";
import { readBounded } from "../read-bounded";
import { isObject } from "./document-refs";
import { fetchFailure } from "../../fetch-failure";
import { PARAMETER_LOCATIONS, type Operation, type ParameterLocation } from "./openapi-api";

/** Arguments that cannot make a request: said in the tool's answer, so the model can fix them. */
class ArgumentError extends Error {}

interface HttpRequest {
  /** Path and query, encoded. */
  target: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

type Scalar = string | number | boolean;

/** What a header value may hold: visible Latin-1 and tabs, no line breaks or NULs. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One tool call as an HTTP request to the API, as agentgateway makes it: path parameters into
 * the path template, percent-encoded (a value cannot add a path segment or a query); query
 * parameters into the query (a list repeats the name); header parameters as headers; `body` as
 * JSON, or decoded from base64 for an octet-stream body. Through `fetch`, so the target's
 * policies (backendAuth, ...) apply. Redirects are not followed.
 *
 * The answer of a 2xx is the tool's result as agentgateway shapes it: a JSON object as
 * structured content (and as text); other JSON as `{data}`; anything else as `{code, message}`.
 * Other statuses, and an API that cannot be reached, are tool errors (`isError`) that say what
 * the API answered. Where agentgateway answers 4xx as results and 5xx as protocol errors, a tool
 * error is what the MCP spec asks for a failed call, and what lets a model see why.
 */
export async function callOperation(
  op: Operation,
  args: Record<string, unknown> | undefined,
  origin: string,
  fetch: Fetch,
  signal: AbortSignal,
): Promise<CallToolResult> {
  let request: HttpRequest;
  try {
    request = httpRequest(op, args ?? {});
  } catch (error) {
    if (error instanceof ArgumentError) return toolError(error.message);
    throw error;
  }
  let status: number;
  let statusText: string;
  let location: string | null;
  let body: Buffer | undefined;
  try {
    const response = await fetch(origin + request.target, {
      method: op.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal,
    });
    ({ status, statusText } = response);
    location = response.headers.get("location");
    body = response.body ? await readBounded(response.body, MAX_MESSAGE_BYTES) : Buffer.alloc(0);
  } catch (error) {
    if (signal.aborted) throw error;
    return toolError(`the API at ${origin} could not be reached: ${fetchFailure(error)}`);
  }
  if (body === undefined) {
    return toolError(`the API answered with more than ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB`);
  }
  const text = body.toString("utf8");
  if (status >= 200 && status <= 299) return apiResult(status, text);
  const answered = `the API answered ${status}${statusText ? ` ${statusText}` : ""}`;
  if (status >= 300 && status <= 399) {
    return toolError(
      `${answered}, a redirect${location ? ` to ${location}` : ""}, which the gateway does not follow`,
    );
  }
  return toolError(`${answered}: ${text}`);
}

function httpRequest(op: Operation, args: Record<string, unknown>): HttpRequest {
  for (const key of Object.keys(args)) {
    const known = key === "body" ? op.body !== undefined : isLocation(key);
    if (!known) throw new ArgumentError(`unknown argument "${key}": ${takes(op)}`);
  }
  const headers: Record<string, string> = { accept: "application/json" };
  for (const [name, value] of Object.entries(group(op, args, "header"))) {
    const text = scalar(value, `header parameter "${name}"`);
    if (!HEADER_VALUE.test(text)) {
      throw new ArgumentError(`header parameter "${name}" has a character a header cannot carry`);
    }
    headers[name] = text;
  }
  const request: HttpRequest = {
    target: path(op, group(op, args, "path")) + query(op, args),
    headers,
  };
  if (op.body && args.body !== undefined) {
    headers["content-type"] = op.body.mediaType;
    request.body = op.body.encoding === "json" ? JSON.stringify(args.body) : base64Body(args.body);
  }
  return request;
}

function path(op: Operation, values: Record<string, unknown>): string {
  const parts = op.pathParts;
  let target = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    // Own keys only: a parameter named "constructor" is not found on Object.prototype.
    if (!Object.hasOwn(values, name)) throw new ArgumentError(`missing path parameter "${name}"`);
    const text = scalar(values[name], `path parameter "${name}"`);
    // URLs resolve "." and ".." segments (even encoded): the request would go elsewhere.
    if (text === "" || text === "." || text === "..") {
      throw new ArgumentError(`path parameter "${name}" cannot be empty, "." or ".."`);
    }
    target += encodeURIComponent(text) + (parts[i + 1] as string);
  }
  return target;
}

/** `?a=1&b=x%20y`; a list repeats its name; null is the name alone. */
function query(op: Operation, args: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(group(op, args, "query"))) {
    const key = encodeURIComponent(name);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null) {
        pairs.push(key);
      } else if (isScalar(item)) {
        pairs.push(`${key}=${encodeURIComponent(String(item))}`);
      } else {
        throw new ArgumentError(
          `query parameter "${name}" must be a string, number, boolean or null, or a list of them`,
        );
      }
    }
  }
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

/** The parameters of one location given in a call: each must be one the operation declares. */
function group(
  op: Operation,
  args: Record<string, unknown>,
  location: ParameterLocation,
): Record<string, unknown> {
  const given = args[location];
  if (given === undefined) return {};
  if (!isObject(given)) {
    throw new ArgumentError(`"${location}" must be an object of ${location} parameters`);
  }
  const declared = op.parameters[location];
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = declared.size
        ? ` (it has ${[...declared].map((n) => `"${n}"`).join(", ")})`
        : "";
      throw new ArgumentError(`"${name}" is not a ${location} parameter of ${op.name}${known}`);
    }
  }
  return given;
}

function base64Body(value: unknown): Uint8Array {
  if (typeof value !== "string" || !BASE64.test(value)) {
    throw new ArgumentError('"body" must be the content encoded as base64');
  }
  return Buffer.from(value, "base64");
}

function scalar(value: unknown, what: string): string {
  if (!isScalar(value)) throw new ArgumentError(`${what} must be a string, number or boolean`);
  return String(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function isLocation(key: string): key is ParameterLocation {
  return (PARAMETER_LOCATIONS as readonly string[]).includes(key);
}

/** Which arguments an operation takes, for the message about one it does not. */
function takes(op: Operation): string {
  const keys = PARAMETER_LOCATIONS.filter((location) => op.parameters[location].size > 0).map(
    (location): string => location,
  );
  if (op.body) keys.push("body");
  if (keys.length === 0) return `${op.name} takes no arguments`;
  return `${op.name} takes ${keys.map((key) => `"${key}"`).join(", ")}`;
}

/** A 2xx answer as the tool's result, shaped as agentgateway shapes it. */
function apiResult(status: number, text: string): CallToolResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return structured({ code: status, message: text });
  }
  if (value === null) return { content: [{ type: "text", text: "null" }] };
  // The object as the API wrote it, rather than written again.
  if (isObject(value)) return { content: [{ type: "text", text }], structuredContent: value };
  return structured({ data: value });
}

function structured(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}
