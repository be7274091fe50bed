import type { Access } from "../policies/caller";
import type { HeaderEdits } from "../policies/header-edits";
import type { McpAuthorization } from "../policies/mcp-authorization";
import type { Checked, RequestGuardrails } from "../policies/mcp-guardrails";
import type { RequestWatch } from "../request-watch";
import type { ClientSink } from "./client-sink";
import { ErrorCode, errorResponse, type RpcId, type RpcMessage } from "./jsonrpc";
import type { Merged, Part } from "./merge";
import type { ResponseHandler, Upstream } from "./upstream";

/** The HTTP request that carried a call: who sent it, the route's rules, what to log. */
export interface CallOrigin {
  route: string;
  path: string;
  /** The status the carrying HTTP request was answered with. */
  status: number;
  access: Access;
  /** The route's rules as they are now: a reload changes them for open sessions too. */
  mcpAuthorization: McpAuthorization | undefined;
  /** The client's `Mcp-Param-*` headers: HTTP targets get them with the call they came with. */
  paramHeaders?: Record<string, string>;
  /** What the request's policies set for its HTTP targets (`PolicyRequest.targetHeaders`). */
  targetHeaders?: readonly HeaderEdits[];
  /** What the policies that watch traffic keep of the request (RequestWatch). */
  watch?: RequestWatch;
  /** The route's mcpGuardrails as they are now, for this request. */
  mcpGuardrails?: RequestGuardrails;
}

type Params = RpcMessage["params"];

/**
 * Changes a target's result (or its error's data) before the client sees it, e.g. to expose the
 * names in it.
 */
export type AdjustResult = (result: Record<string, unknown>, upstream: Upstream) => void;

/**
 * One JSON-RPC request from the client, from its arrival until its single answer went out:
 * either one target's response passed through, or the answers of several targets combined.
 */
export class ClientCall implements ResponseHandler {
  readonly time = Date.now();
  private readonly startedAt = performance.now();
  /** The target that served the call and the item it was about, for the log. */
  target: string | undefined;
  name: string | undefined;
  /** Why a policy let the call through or hid items from it, for the log. */
  reason: string | undefined;
  /** Whether mcpAuthorization or mcpGuardrails refused it, for the log. */
  denied = false;
  /** The key path of the mcpAuthorization rule that refused it, for the log. */
  rule: (string | number)[] | undefined;
  private waiting = 0;
  private parts: Part[] | undefined;
  /** The targets a fan-out asked, in order: where each one's part goes. */
  private asked: Upstream[] | undefined;
  private combine: ((parts: Part[]) => Merged) | undefined;
  private adjust: AdjustResult | undefined;
  /** The targets the call went to, once it went to any: what mcpGuardrails are told. */
  private targets: readonly string[] | undefined;
  /** Withdrawn while mcpGuardrails looked at it: it goes to no target. */
  private withdrawn = false;
  /** What the policies that watch traffic keep of this call (its span). */
  readonly watch: RequestWatch | undefined;

  constructor(
    readonly id: RpcId,
    readonly method: string,
    readonly sink: ClientSink,
    readonly origin: CallOrigin,
    readonly progressToken: string | number | undefined,
    private readonly done: (call: ClientCall, response: RpcMessage) => void,
  ) {
    this.watch = origin.watch?.call(method);
  }

  get durationMs(): number {
    return performance.now() - this.startedAt;
  }

  /** One target answers, and its response reaches the client as it is, under the client's id. */
  forward(upstream: Upstream, params: Params, adjust?: AdjustResult): void {
    this.waiting = 1;
    this.adjust = adjust;
    this.admit([upstream.name], params, (admitted) =>
      upstream.request(this.method, admitted, this, this.origin.paramHeaders),
    );
  }

  /**
   * Every given target answers, and `combine` makes one answer of all of them. The parts keep
   * the order of the requests (the config's), not of the answers, so that a merged list comes
   * out the same every time: clients cache it, and models see it in their prompts.
   */
  fanOut(
    requests: { upstream: Upstream; params: Params }[],
    combine: (parts: Part[]) => Merged,
  ): void {
    this.waiting = requests.length;
    this.asked = requests.map((request) => request.upstream);
    this.parts = new Array<Part>(requests.length);
    this.combine = combine;
    // Going to several targets, the call has no one set of params for mcpGuardrails to change.
    this.admit(
      this.asked.map((upstream) => upstream.name),
      undefined,
      () => {
        for (const { upstream, params } of requests) upstream.request(this.method, params, this);
      },
    );
  }

  /**
   * The call is about to go to `targets`: the route's mcpGuardrails see it first. Resolves to
   * the params to send, as they left them; or to undefined when they refused the call, which is
   * then answered, or it was withdrawn meanwhile. `params` only where it goes to one target.
   */
  async admitted(
    targets: readonly string[],
    params: Params,
  ): Promise<{ params: Params } | undefined> {
    this.targets = targets;
    const guardrails = this.origin.mcpGuardrails;
    if (!guardrails?.runsRequest(this.method)) return { params };
    const checked = await guardrails.request(this.method, targets, params);
    if (this.withdrawn) return undefined;
    if (!this.accept(checked)) return undefined;
    return { params: checked.value };
  }

  /** The session no longer waits for the call: whatever it was about to send stays unsent. */
  withdraw(): void {
    this.withdrawn = true;
  }

  onUpstreamResponse(upstream: Upstream, response: RpcMessage): void {
    if (this.parts === undefined) {
      response.id = this.id;
      this.answer(response, upstream);
      return;
    }
    this.parts[(this.asked as Upstream[]).indexOf(upstream)] = { target: upstream.name, response };
    if (--this.waiting > 0) return;
    const merged = (this.combine as (parts: Part[]) => Merged)(this.parts);
    this.answer({ jsonrpc: "2.0", id: this.id, ...merged });
  }

  resolve(result: Record<string, unknown>): void {
    this.answer({ jsonrpc: "2.0", id: this.id, result });
  }

  fail(code: number, message: string, data?: unknown): void {
    this.done(this, errorResponse(this.id, code, message, data));
  }

  failInternal(message: string): void {
    this.fail(ErrorCode.InternalError, message);
  }

  /** Sends the call on without waiting where no guardrail looks at it before it goes. */
  private admit(targets: readonly string[], params: Params, send: (params: Params) => void): void {
    if (this.origin.mcpGuardrails?.runsRequest(this.method)) {
      void this.admitted(targets, params).then((admitted) => admitted && send(admitted.params));
    } else {
      this.targets = targets;
      send(params);
    }
  }

  /**
   * The answer to a call that went to targets, a result the guardrails see first: a single
   * target's as that target wrote it (before its names are exposed), several targets' merged.
   */
  private answer(response: RpcMessage, upstream?: Upstream): void {
    const guardrails = this.origin.mcpGuardrails;
    const { result } = response;
    if (!result || !this.targets || !guardrails?.runsResponse(this.method)) {
      return this.deliver(response, upstream);
    }
    void guardrails.response(this.method, this.targets, result).then((checked) => {
      if (!this.accept(checked)) return;
      response.result = checked.value;
      this.deliver(response, upstream);
    });
  }

  private deliver(response: RpcMessage, upstream: Upstream | undefined): void {
    // An error's data may name the item too (a resource not found names its URI).
    const named = response.result ?? response.error?.data;
    if (upstream && this.adjust && typeof named === "object" && named !== null) {
      this.adjust(named as Record<string, unknown>, upstream);
    }
    this.done(this, response);
  }

  /** What mcpGuardrails made of the call: false when they refused it, which answers it. */
  private accept(checked: Checked): checked is Checked & { value: Params } {
    if ("refusal" in checked) {
      const { code, message, data, reason } = checked.refusal;
      this.denied = true;
      this.reason = reason;
      this.fail(code, message, data);
      return false;
    }
    const { changed } = checked;
    if (changed) this.reason = this.reason ? `${this.reason}; ${changed}` : changed;
    return true;
  }
}
