import { boundText } from "../bounded-text";
import { INPUT_CAPABILITY } from "./capabilities";
import { ErrorCode, errorResponse, type RpcMessage } from "./jsonrpc";
import type { ResponseHandler, Upstream } from "./upstream";

type Params = Record<string, unknown>;

/** The requests of a 2026-07-28 target whose answer may first ask the client for input. */
export const ASKS_FOR_INPUT: ReadonlySet<string> = new Set([
  "tools/call",
  "prompts/get",
  "resources/read",
]);

/** How often one request may come back for input before the gateway gives up on it. */
const MAX_ROUNDS = 8;
/** Questions in one round: each is a request the client holds open. */
const MAX_QUESTIONS = 16;
/** How much of the client's refusal the error repeats. */
const REFUSAL_SHOWN_MAX = 256;

/** What a round needs of the connection its request travels on. */
export interface InputChannel {
  readonly upstream: Upstream;
  /** Asks the client one question, as a request of the target's own; returns its id. */
  ask(round: InputRound, method: string, params: Params | undefined): number;
  /** Tells the client that request `id` needs no answer any more. */
  withdraw(id: number, reason: string): void;
  /** Sends the request again; its answer goes to `round`. */
  resend(round: InputRound, method: string, params: Params, headers?: Record<string, string>): void;
}

/**
 * One request to a 2026-07-28 target made for a 2025 client. Such a target does not send its
 * client requests (elicitation, sampling, roots): it answers `input_required` with the
 * questions and an opaque `requestState`, and expects the request again with the answers. A
 * 2025 client knows nothing of that, so the round asks it each question as a 2025 server
 * would, collects the answers, and sends the request again (a fresh id) with them and the
 * `requestState` exactly as it came, for as many rounds as the target needs. The handler sees
 * only the final answer.
 */
export class InputRound implements ResponseHandler {
  private rounds = 0;
  /** The client's open questions of this round: their request id and the target's key. */
  private readonly open = new Map<number, string>();
  private answers: Params = {};
  private requestState: unknown;

  constructor(
    readonly handler: ResponseHandler,
    private readonly method: string,
    private readonly params: Params,
    private readonly headers: Record<string, string> | undefined,
    private readonly channel: InputChannel,
  ) {}

  onUpstreamResponse(upstream: Upstream, response: RpcMessage): void {
    const result = response.result;
    if (result?.resultType !== "input_required") {
      this.handler.onUpstreamResponse(upstream, response);
      return;
    }
    const questions = (result.inputRequests ?? {}) as Params;
    const problem =
      ++this.rounds > MAX_ROUNDS
        ? `asked for input more than ${MAX_ROUNDS} times for one request`
        : unaskable(questions, result.requestState);
    if (problem) return this.fail(`target "${upstream.name}" ${problem}`);
    this.answers = {};
    this.requestState = result.requestState;
    for (const key in questions) {
      const { method, params } = questions[key] as { method: string; params?: Params };
      this.open.set(this.channel.ask(this, method, params), key);
    }
    if (this.open.size === 0) this.retry();
  }

  /** The client's answer to request `id` of this round. */
  answer(id: number, response: RpcMessage): void {
    const key = this.open.get(id);
    if (key === undefined) return;
    this.open.delete(id);
    if (response.error) {
      this.withdraw("the client refused another question of the same round");
      const refusal = boundText(String(response.error.message), REFUSAL_SHOWN_MAX);
      return this.fail(
        `the client refused what target "${this.channel.upstream.name}" asked: ${refusal}`,
      );
    }
    this.answers[key] = response.result ?? {};
    if (this.open.size === 0) this.retry();
  }

  /** Stops waiting for the client: the questions it still holds are withdrawn. */
  withdraw(reason: string): void {
    for (const id of this.open.keys()) this.channel.withdraw(id, reason);
    this.open.clear();
  }

  private retry(): void {
    const params: Params = { ...this.params, inputResponses: this.answers };
    // Echoed byte for byte, and only when the target sent one.
    if (this.requestState !== undefined) params.requestState = this.requestState;
    this.channel.resend(this, this.method, params, this.headers);
  }

  private fail(message: string): void {
    const failure = errorResponse(null, ErrorCode.InternalError, message);
    this.handler.onUpstreamResponse(this.channel.upstream, failure);
  }
}

/**
 * Why the questions of an `input_required` result cannot be put to a client, or `undefined`
 * when they can: a bounded number of requests of the kinds the spec allows, and at least
 * something to send back.
 */
function unaskable(questions: Params, requestState: unknown): string | undefined {
  if (typeof questions !== "object" || questions === null || Array.isArray(questions)) {
    return "sent inputRequests that are not an object";
  }
  if (requestState !== undefined && typeof requestState !== "string") {
    return "sent a requestState that is not a string";
  }
  let count = 0;
  for (const key in questions) {
    if (++count > MAX_QUESTIONS) return `asked more than ${MAX_QUESTIONS} questions at once`;
    const question = questions[key] as Params | null;
    const params = question?.params;
    if (!INPUT_CAPABILITY.has(question?.method as string)) {
      return `asked for input by a method a client does not answer`;
    }
    if (params !== undefined && (typeof params !== "object" || params === null)) {
      return "asked for input with params that are not an object";
    }
  }
  return count === 0 && requestState === undefined
    ? "asked for input without asking anything or sending a requestState"
    : undefined;
}
