import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Fetch } from "../../policies/policy";
import { ErrorCode, errorResponse, type RpcId, type RpcMessage } from "../jsonrpc";
import { LATEST_LEGACY_VERSION, LEGACY_VERSIONS } from "../modern-envelope";
import { isObject } from "./document-refs";
import { callOperation } from "./call-operation";
import type { OpenApi } from "./openapi-api";

/**
 * An openapi target as an MCP server inside the gateway: the transport an `Upstream` talks to,
 * answering `initialize`, `ping`, `tools/list` and `tools/call` itself and making each call an
 * HTTP request to the API. To the relay it is a 2025 target like any other, so sessions,
 * prefixes, `mcpAuthorization` and the log treat its tools as they treat any tool.
 *
 * Like agentgateway's, it declares tools only; anything else is `Method not found`.
 */
export class OpenApiTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** Calls under way, by request id, to be aborted when cancelled or closed. */
  private readonly calls = new Map<RpcId, AbortController>();
  private closed = false;

  constructor(
    private readonly api: OpenApi,
    /** Where the API is: scheme, host and port. */
    private readonly origin: string,
    /** fetch, wrapped in the target's policies. */
    private readonly fetch: Fetch,
  ) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error("the OpenAPI target was closed");
    const m = message as RpcMessage;
    if (m.method === "notifications/cancelled") {
      this.calls.get(m.params?.requestId as RpcId)?.abort();
    } else if (m.method !== undefined && m.id !== undefined) {
      // Answered later, as over a wire: the sender learns of the answer after it sent.
      void this.answer(m.id, m.method, m.params ?? {});
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) call.abort();
    this.calls.clear();
    this.onclose?.();
  }

  private async answer(id: RpcId, method: string, params: Record<string, unknown>): Promise<void> {
    await Promise.resolve();
    switch (method) {
      case "initialize":
        return this.reply(id, {
          protocolVersion: LEGACY_VERSIONS.includes(params.protocolVersion as string)
            ? params.protocolVersion
            : LATEST_LEGACY_VERSION,
          capabilities: { tools: {} },
          serverInfo: this.api.serverInfo,
        });
      case "ping":
        return this.reply(id, {});
      case "tools/list":
        // Copies: the relay prefixes names in place, and the tools serve every session.
        return this.reply(id, { tools: this.api.tools.map((tool) => ({ ...tool })) });
      case "tools/call":
        return this.call(id, params);
      default:
        return this.deliver(errorResponse(id, ErrorCode.MethodNotFound, "Method not found"));
    }
  }

  private async call(id: RpcId, params: Record<string, unknown>): Promise<void> {
    const operation = this.api.operations.get(params.name as string);
    if (!operation) {
      const message = `Unknown tool: ${String(params.name)}`;
      return this.deliver(errorResponse(id, ErrorCode.InvalidParams, message));
    }
    const args = params.arguments;
    if (args !== undefined && !isObject(args)) {
      const message = "the arguments of a tool call are an object";
      return this.deliver(errorResponse(id, ErrorCode.InvalidParams, message));
    }
    const controller = new AbortController();
    this.calls.set(id, controller);
    try {
      const result = await callOperation(
        operation,
        args,
        this.origin,
        this.fetch,
        controller.signal,
      );
      if (!controller.signal.aborted) this.reply(id, result);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.deliver(errorResponse(id, ErrorCode.InternalError, (error as Error).message));
    } finally {
      this.calls.delete(id);
    }
  }

  private reply(id: RpcId, result: Record<string, unknown>): void {
    this.deliver({ jsonrpc: "2.0", id, result });
  }

  private deliver(message: RpcMessage): void {
    if (!this.closed) this.onmessage?.(message as unknown as JSONRPCMessage);
  }
}
