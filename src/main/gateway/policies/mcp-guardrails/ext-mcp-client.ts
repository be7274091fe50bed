/**
 * A channel to one ExtMCP server and its two calls. Loaded only by a config that has
 * mcpGuardrails (see mcp-guardrails.ts), with grpc-js and the proto.
 */
import { Client, Metadata, status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import { grpcClient } from "../grpc-client";
import type protobuf from "protobufjs";
import { MAX_MESSAGE_BYTES } from "../../relay/jsonrpc";
import type { ServiceAddress } from "../ext-authz/service-address";
import {
  CHECK_REQUEST,
  CHECK_RESPONSE,
  McpRequest,
  McpRequestResult,
  McpResponse,
  McpResponseResult,
} from "./ext-mcp-protos";

/** How a result's `oneof result` came: which member is set, and the members by name. */
interface ResultObject {
  result?: "pass" | "mutated" | "error";
  mutated?: Buffer;
  error?: { code?: number; reason?: string; mcp_error?: Buffer };
}

export interface RequestResultObject extends ResultObject {
  header_mutation?: { set?: unknown[]; remove?: unknown[] };
  metadata?: { fields?: Record<string, unknown> };
}

export type ResponseResultObject = ResultObject;

/** Why a call got no answer: the gRPC status, and what it said. */
export interface Failure {
  status: string;
  details: string;
}

/** The server's answer, or why there is none. */
export type Reply<Answer> = { answer: Answer } | { unavailable: Failure };

export class ExtMcpClient {
  private readonly client: Client;

  constructor(
    address: ServiceAddress,
    private readonly timeoutMs: number,
  ) {
    // A changed result is a whole MCP result: as large as the relay takes from a target.
    this.client = grpcClient(address, MAX_MESSAGE_BYTES);
  }

  checkRequest(message: object): Promise<Reply<RequestResultObject>> {
    return this.call(CHECK_REQUEST, McpRequest, McpRequestResult, message);
  }

  checkResponse(message: object): Promise<Reply<ResponseResultObject>> {
    return this.call(CHECK_RESPONSE, McpResponse, McpResponseResult, message);
  }

  close(): void {
    this.client.close();
  }

  /** Never rejects: a call that fails is an `unavailable` reply. */
  private call<Answer>(
    method: string,
    request: protobuf.Type,
    result: protobuf.Type,
    message: object,
  ): Promise<Reply<Answer>> {
    const serialize = (value: object) =>
      Buffer.from(request.encode(request.fromObject(value)).finish());
    const deserialize = (bytes: Buffer) =>
      result.toObject(result.decode(bytes), { oneofs: true }) as Answer;
    const deadline = Date.now() + this.timeoutMs;
    return new Promise((resolve) => {
      try {
        this.client.makeUnaryRequest(
          method,
          serialize,
          deserialize,
          message,
          new Metadata(),
          { deadline },
          (error: ServiceError | null, answer?: Answer) => {
            resolve(error || !answer ? { unavailable: describe(error) } : { answer });
          },
        );
      } catch (error) {
        // A call that began before a reload closed this client, or a message that cannot be
        // encoded: no answer either way.
        resolve({ unavailable: { status: "not sent", details: (error as Error).message } });
      }
    });
  }
}

function describe(error: ServiceError | null): Failure {
  if (!error) return { status: "OK", details: "the server sent no answer" };
  return { status: grpcStatus[error.code] ?? String(error.code), details: error.details };
}
