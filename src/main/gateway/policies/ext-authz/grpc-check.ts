/**
 * The gRPC check: Envoy's `envoy.service.auth.v3.Authorization/Check`, as agentgateway calls it.
 * Loaded only by a config that uses it (see ext-authz.ts), with grpc-js and the protos.
 */
import { randomUUID } from "node:crypto";
import { Client, Metadata, status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import { grpcClient } from "../grpc-client";
import { celToJson, type ValueExpression } from "../cel/value-expression";
import type { PolicyRequest } from "../policy";
import {
  authorizationFailed,
  MAX_ANSWER_BYTES,
  type AuthorizationCheck,
  type CheckInput,
  type HeaderAction,
  type HeaderChange,
  type Verdict,
} from "./check";
import { CHECK_METHOD, CheckRequest, CheckResponse } from "./envoy-protos";
import { isSettableHeader } from "./header-names";
import { isJsonObject, toStruct, type StructObject } from "./protobuf-struct";
import { pseudoHeader } from "./request-headers";
import type { ServiceAddress, SocketAddress } from "./service-address";

export interface GrpcCheckOptions {
  /** `context_extensions`, sent as written. */
  context: Record<string, string> | undefined;
  /** `metadata_context.filter_metadata`, one CEL value per key; unset: the caller's claims. */
  metadata: ReadonlyMap<string, ValueExpression> | undefined;
  /** Send the body as `raw_body` (bytes) rather than `body` (text). */
  packAsBytes: boolean;
  timeoutMs: number;
}

/** The JWT filter's metadata key in Envoy, which servers written for Envoy read claims from. */
const JWT_METADATA = "envoy.filters.http.jwt_authn";

/** The CheckResponse as protobufjs decodes it (snake_case, as the .proto names its fields). */
interface CheckResponseObject {
  status?: { code?: number; message?: string };
  denied_response?: {
    status?: { code?: number };
    headers?: HeaderValueOptionObject[];
    body?: string;
  };
  ok_response?: {
    headers?: HeaderValueOptionObject[];
    headers_to_remove?: string[];
    response_headers_to_add?: HeaderValueOptionObject[];
  };
}

export interface HeaderValueOptionObject {
  header?: { key?: string; value?: string; raw_value?: Buffer };
  append?: { value?: boolean };
  append_action?: number;
}

const serialize = (message: object): Buffer =>
  Buffer.from(CheckRequest.encode(CheckRequest.fromObject(message)).finish());
const deserialize = (bytes: Buffer): CheckResponseObject =>
  CheckResponse.toObject(CheckResponse.decode(bytes), { longs: Number }) as CheckResponseObject;

export class GrpcCheck implements AuthorizationCheck {
  private readonly client: Client;

  constructor(
    address: ServiceAddress | SocketAddress,
    private readonly options: GrpcCheckOptions,
  ) {
    this.client = grpcClient(address, MAX_ANSWER_BYTES);
  }

  check(input: CheckInput): Promise<Verdict> {
    const message = this.checkRequest(input);
    const deadline = Date.now() + this.options.timeoutMs;
    return new Promise((resolve) => {
      try {
        this.client.makeUnaryRequest(
          CHECK_METHOD,
          serialize,
          deserialize,
          message,
          new Metadata(),
          { deadline },
          (error: ServiceError | null, response?: CheckResponseObject) => {
            resolve(error || !response ? unavailable(error) : verdictOf(response));
          },
        );
      } catch (error) {
        // A request that began before a reload closed this client, or a message that cannot
        // be encoded: no decision either way.
        resolve({ kind: "unavailable", cause: (error as Error).message });
      }
    });
  }

  close(): void {
    this.client.close();
  }

  private checkRequest({ request, headers, body }: CheckInput): object {
    const { req } = request;
    const { socket } = req;
    const now = Date.now();
    const http: Record<string, unknown> = {
      id: randomUUID(),
      method: req.method ?? "GET",
      headers,
      path: req.url ?? "/",
      host: req.headers.host ?? "",
      scheme: pseudoHeader(request.req, ":scheme"),
      protocol: `HTTP/${req.httpVersion}`,
    };
    if (body) {
      // The size of the whole body; -1 when only its first part was read, as Envoy says.
      http.size = body.partial ? -1 : body.bytes.length;
      if (this.options.packAsBytes) http.raw_body = body.bytes;
      else http.body = body.bytes.toString("utf8");
    }
    return {
      attributes: {
        source: peer(socket.remoteAddress, socket.remotePort),
        destination: peer(socket.localAddress, socket.localPort),
        request: { time: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 }, http },
        context_extensions: this.options.context ?? {},
        metadata_context: { filter_metadata: this.metadata(request) },
      },
    };
  }

  /**
   * The configured metadata, each key's value a map (others are left out, as agentgateway
   * leaves them out); unset, the verified claims where Envoy's JWT filter puts them.
   */
  private metadata(request: PolicyRequest): Record<string, StructObject> {
    const { metadata } = this.options;
    if (!metadata) {
      const { caller } = request;
      return caller.issuer === undefined
        ? {}
        : { [JWT_METADATA]: toStruct({ jwt_payload: caller.claims }) };
    }
    const context = request.context();
    const structs: Record<string, StructObject> = Object.create(null);
    for (const [key, expression] of metadata) {
      const result = expression.evaluate(context);
      const json = "value" in result ? celToJson(result.value) : undefined;
      if (isJsonObject(json)) structs[key] = toStruct(json);
    }
    return structs;
  }
}

function peer(address: string | undefined, port: number | undefined): object {
  return { address: { socket_address: { address: address ?? "", port_value: port ?? 0 } } };
}

function unavailable(error: ServiceError | null): Verdict {
  if (!error) return { kind: "unavailable", cause: "the service sent no answer" };
  const name = grpcStatus[error.code] ?? String(error.code);
  return { kind: "unavailable", cause: `gRPC ${name}: ${error.details}` };
}

/** Status 0 allows; any other denies, with the service's answer or else 403. */
function verdictOf(response: CheckResponseObject): Verdict {
  const code = response.status?.code ?? 0;
  if (code !== 0) {
    const said = response.status?.message ? `: ${response.status.message}` : "";
    const reason = `extAuthz: denied by the authorization service (gRPC status ${grpcStatus[code] ?? code}${said})`;
    const denied = response.denied_response;
    if (!denied) return { kind: "deny", answer: authorizationFailed(403, reason) };
    const status = denied.status?.code;
    return {
      kind: "deny",
      answer: {
        status: status !== undefined && status >= 100 && status <= 599 ? status : 403,
        headers: answerHeaders(headerChanges(denied.headers)),
        body: denied.body ?? "",
        reason,
      },
    };
  }
  const ok = response.ok_response;
  return {
    kind: "allow",
    requestHeaders: headerChanges(ok?.headers),
    removeHeaders: (ok?.headers_to_remove ?? []).map((name) => name.toLowerCase()),
    responseHeaders: headerChanges(ok?.response_headers_to_add),
  };
}

/** Envoy's HeaderAppendAction, by number; 0 defers to the deprecated `append` flag. */
const ACTIONS: readonly HeaderAction[] = [
  "append",
  "addIfAbsent",
  "overwrite",
  "overwriteIfExists",
];

/**
 * The service's headers as changes, skipping what cannot be set (agentgateway skips them too).
 * A header without `append_action` replaces the values there unless `append` says true.
 */
export function headerChanges(options: HeaderValueOptionObject[] | undefined): HeaderChange[] {
  const changes: HeaderChange[] = [];
  for (const option of options ?? []) {
    const name = option.header?.key?.toLowerCase() ?? "";
    const raw = option.header?.raw_value;
    const value = raw?.length ? raw.toString("latin1") : (option.header?.value ?? "");
    if (value === "" || !isSettableHeader(name, value)) continue;
    const code = option.append_action ?? 0;
    const action =
      code === 0 ? (option.append?.value ? "append" : "overwrite") : (ACTIONS[code] ?? "append");
    changes.push({ name, value, action });
  }
  return changes;
}

/** A denial's headers, applied in order to an answer that has none yet. */
export function answerHeaders(changes: HeaderChange[]): Record<string, string | string[]> {
  const headers: Record<string, string[]> = Object.create(null);
  for (const { name, value, action } of changes) {
    const present = Object.hasOwn(headers, name);
    if (action === "append") {
      headers[name] = [...(present ? (headers[name] as string[]) : []), value];
    } else if (action === "overwriteIfExists" ? present : action === "overwrite" || !present) {
      headers[name] = [value];
    }
  }
  return headers;
}
