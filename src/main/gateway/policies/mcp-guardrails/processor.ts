import type { IncomingMessage } from "node:http";
import { boundText } from "../../bounded-text";
import { ErrorCode } from "../../relay/jsonrpc";
import type { Access } from "../caller";
import { celToJson, type ValueExpression } from "../cel/value-expression";
import type { CompileContext } from "../compile-context";
import { toStruct, type StructObject } from "../ext-authz/protobuf-struct";
import { callHeaders, type HeaderFilter } from "./call-headers";
import type {
  ExtMcpClient,
  Failure,
  RequestResultObject,
  ResponseResultObject,
} from "./ext-mcp-client";
import { runsRequest, runsResponse, type MethodPhases } from "./method-phases";

type Json = Record<string, unknown>;

/** What processors are told of a call, besides its params or result. */
export interface CallFacts {
  method: string;
  /** The targets it goes to, by their config names: McpRequest's `service_names`. */
  targets: readonly string[];
  /** The HTTP request that carried it, as the policies left it. */
  req: IncomingMessage;
  access: Access;
}

/** Why a processor refused a call: the JSON-RPC error the client gets, and the log's reason. */
export interface Refusal {
  code: number;
  message: string;
  data?: unknown;
  reason: string;
}

/** What a processor made of a call's params or result. */
export type Outcome =
  { kind: "pass" } | { kind: "mutated"; value: Json } | { kind: "refuse"; refusal: Refusal };

/**
 * agentgateway's codes for AuthorizationError.Code, by number: outcomes JSON-RPC has no code
 * for take application codes (-32002 is skipped: MCP means "resource not found" by it).
 */
const ERROR_CODES: readonly number[] = [
  ErrorCode.InternalError, // UNKNOWN
  -32001, // PERMISSION_DENIED
  -32003, // RESOURCE_EXHAUSTED
  ErrorCode.InvalidRequest, // INVALID
];

/** A server's reason is echoed to the client and the log: bounded like a name. */
const REASON_MAX = 1024;

export interface ProcessorOptions {
  phases: MethodPhases;
  client: ExtMcpClient;
  failOpen: boolean;
  /** `metadata`, by key; empty when none is written. */
  metadata: ReadonlyMap<string, ValueExpression>;
  headers: HeaderFilter;
  /** The server's address as written, to name it in the log. */
  host: string;
  notice: CompileContext["notice"];
}

/** One `remote` processor: an ExtMCP server, asked about the methods its `methods` select. */
export class RemoteProcessor {
  /** Whether the server is failing now, so that failing open is reported once, not per call. */
  private failingOpen = false;
  /** What was said about the server's answers (unused parts, violations): once each. */
  private readonly said = new Set<string>();

  constructor(private readonly options: ProcessorOptions) {}

  runsRequest(method: string): boolean {
    return runsRequest(this.options.phases.phaseOf(method));
  }

  runsResponse(method: string): boolean {
    return runsResponse(this.options.phases.phaseOf(method));
  }

  /**
   * Asks the server about a call on its way to the targets. A call that goes to several targets
   * has no params to change (`params` undefined): a change the server sends is not used, as in
   * agentgateway, where lists are shaped in the response phase.
   */
  async checkRequest(call: CallFacts, params: Json | undefined): Promise<Outcome> {
    const message: Json = {
      service_names: call.targets,
      method: call.method,
      headers: callHeaders(call.req, call.access.caller, this.options.headers),
    };
    const metadata = this.metadataContext(call);
    if (metadata) message.metadata_context = metadata;
    if (params) message.mcp_request = Buffer.from(JSON.stringify(params));
    const reply = await this.options.client.checkRequest(message);
    if ("unavailable" in reply) return this.unavailable(call, "checkRequest", reply.unavailable);
    this.answered();
    const answer = reply.answer;
    if (answer.result !== "error") this.reportUnused(answer);
    return this.outcome(call, answer, params !== undefined);
  }

  /** Asks the server about a call's result, before the client gets it. */
  async checkResponse(call: CallFacts, result: Json): Promise<Outcome> {
    const message: Json = {
      service_names: call.targets,
      method: call.method,
      mcp_response: Buffer.from(JSON.stringify(result)),
    };
    const metadata = this.metadataContext(call);
    if (metadata) message.metadata_context = metadata;
    const reply = await this.options.client.checkResponse(message);
    if ("unavailable" in reply) return this.unavailable(call, "checkResponse", reply.unavailable);
    this.answered();
    return this.outcome(call, reply.answer, true);
  }

  close(): void {
    this.options.client.close();
  }

  private outcome(call: CallFacts, answer: ResponseResultObject, changeable: boolean): Outcome {
    switch (answer.result) {
      case "pass":
        return { kind: "pass" };
      case "mutated": {
        if (!changeable) return { kind: "pass" };
        const value = parseObject(answer.mutated);
        return value
          ? { kind: "mutated", value }
          : this.violation(call, "mutated is not a JSON object");
      }
      case "error":
        return { kind: "refuse", refusal: this.refusal(call, answer.error ?? {}) };
      default:
        return this.violation(call, "the answer sets none of pass, mutated and error");
    }
  }

  /** The server refused the call: its code as a JSON-RPC code, its reason as the message. */
  private refusal(call: CallFacts, error: NonNullable<ResponseResultObject["error"]>): Refusal {
    const code = ERROR_CODES[error.code ?? 0] ?? ErrorCode.InternalError;
    const said = boundText(error.reason ?? "", REASON_MAX);
    const message = said || `${call.method} refused by mcpGuardrails`;
    const refusal: Refusal = {
      code,
      message,
      reason: `mcpGuardrails: ${this.options.host} refused ${call.method}: ${message}`,
    };
    if (error.mcp_error !== undefined) {
      // agentgateway drops an mcp_error that is not JSON, and so does Gatehouse.
      try {
        refusal.data = JSON.parse(error.mcp_error.toString("utf8")) as unknown;
      } catch {
        this.reportOnce(`its mcp_error is not JSON; the error goes without data`);
      }
    }
    return refusal;
  }

  /** The server could not be asked: failClosed refuses the call, failOpen lets it pass. */
  private unavailable(call: CallFacts, rpc: string, failure: Failure): Outcome {
    const { host, failOpen, notice } = this.options;
    const cause = `${host} could not be asked (gRPC ${failure.status}: ${failure.details})`;
    if (failOpen) {
      if (!this.failingOpen) {
        this.failingOpen = true;
        notice("warn", `mcpGuardrails: ${cause}; calls pass unchecked (failOpen)`);
      }
      return { kind: "pass" };
    }
    const message = `mcpGuardrails ${rpc} failed: ${failure.details}`;
    const reason = `mcpGuardrails: ${cause}, so ${call.method} is refused (failClosed)`;
    return { kind: "refuse", refusal: { code: ErrorCode.InternalError, message, reason } };
  }

  /** The server's answer makes no sense: as if it could not be asked. */
  private violation(call: CallFacts, what: string): Outcome {
    const { host, failOpen } = this.options;
    this.reportOnce(`protocol violation: ${what}`);
    if (failOpen) return { kind: "pass" };
    const message = `mcpGuardrails protocol violation: ${what}`;
    const reason = `mcpGuardrails: ${host} answered ${call.method} wrongly (${what}), so it is refused (failClosed)`;
    return { kind: "refuse", refusal: { code: ErrorCode.InternalError, message, reason } };
  }

  private answered(): void {
    if (!this.failingOpen) return;
    this.failingOpen = false;
    this.options.notice("info", `mcpGuardrails: ${this.options.host} answers again`);
  }

  /** The processor's `metadata`, evaluated for the request; expressions that fail are left out. */
  private metadataContext(call: CallFacts): StructObject | undefined {
    const { metadata } = this.options;
    const context = call.access.context;
    if (metadata.size === 0 || !context) return undefined;
    const values: Json = {};
    for (const [key, expression] of metadata) {
      const result = expression.evaluate(context);
      if ("value" in result) values[key] = celToJson(result.value);
    }
    return toStruct(values);
  }

  private reportUnused(answer: RequestResultObject): void {
    const mutation = answer.header_mutation;
    if (mutation && ((mutation.set?.length ?? 0) > 0 || (mutation.remove?.length ?? 0) > 0)) {
      this.reportOnce("it sent a header_mutation, which Gatehouse does not apply (yet)");
    }
    if (Object.keys(answer.metadata?.fields ?? {}).length > 0) {
      this.reportOnce("it sent metadata, which no Gatehouse policy reads (yet)");
    }
  }

  private reportOnce(what: string): void {
    if (this.said.has(what)) return;
    this.said.add(what);
    this.options.notice("warn", `mcpGuardrails: ${this.options.host}: ${what}`);
  }
}

function parseObject(bytes: Buffer | undefined): Json | undefined {
  try {
    const value = JSON.parse(bytes?.toString("utf8") ?? "") as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}
