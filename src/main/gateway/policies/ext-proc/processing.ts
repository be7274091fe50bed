/**
 * One request and its answer through the processor: the phases of Envoy's ext_proc that
 * Gatehouse runs, and what the processor's answers do to the request and the answer. Loaded
 * only by a config that uses extProc (see ext-proc.ts), with grpc-js and the protos.
 */
import type { IncomingMessage } from "node:http";
import { requestBody } from "../../request-body";
import type { AnswerHead } from "../answer-head";
import { headerChangeProblem } from "../changeable-headers";
import type { CompileContext } from "../compile-context";
import { requestEdit } from "../ext-authz";
import { checkHeaders } from "../ext-authz/request-headers";
import { HeaderEdits, type HeaderEdit } from "../header-edits";
import type { Answer, PolicyRequest, StepResult } from "../policy";
import type { FailureModeConfig, ProcessingOptionsConfig } from "./config";
import {
  headerMutation,
  immediateAnswer,
  type CommonResponseObject,
  type ProcessingResponseObject,
  type ResponseKind,
} from "./messages";
import type { Processor, ProcessorStream } from "./processor-stream";

/** Envoy's BodySendMode, by number, as the protocol configuration and mode overrides say it. */
const BODY_MODES = { none: 0, buffered: 2, bufferedPartial: 3, fullDuplexStreamed: 4 } as const;
/** ProcessingMode.HeaderSendMode: SKIP; DEFAULT (0) leaves the configured mode. */
const SKIP = 2;

/** What is sent of one request and its answer; a mode override may change it per request. */
interface Modes {
  requestHeaders: boolean;
  requestBody: boolean;
  responseHeaders: boolean;
}

/** Something the processor said that Gatehouse cannot do, or did not expect. */
class Unprocessable extends Error {}

/** One variant of the policy (the plain form has one): a processor and how to use it. */
export class ExtProcVariant {
  /** Whether the processor is failing now, so that failing open is reported once. */
  private failingOpen = false;

  constructor(
    private readonly processor: Processor,
    private readonly options: ProcessingOptionsConfig,
    private readonly failureMode: FailureModeConfig,
    private readonly where: string,
    private readonly notice: CompileContext["notice"],
  ) {}

  async process(request: PolicyRequest): Promise<StepResult> {
    const modes: Modes = {
      requestHeaders: this.options.requestHeaderMode !== "skip",
      requestBody: (this.options.requestBodyMode ?? "fullDuplexStreamed") !== "none",
      responseHeaders: this.options.responseHeaderMode !== "skip",
    };
    const stream = this.processor.open();
    try {
      const answer = await this.requestPhases(request, stream, modes);
      if (answer) {
        stream.end();
        return answer;
      }
      this.answersAgain();
      if (!modes.responseHeaders) stream.end();
      else request.settleAnswers((head) => this.responsePhase(head, stream));
      return undefined;
    } catch (error) {
      stream.end();
      return this.failed(error as Error);
    }
  }

  /** The request's headers, then its body: an answer in place of the targets, or none. */
  private async requestPhases(
    request: PolicyRequest,
    stream: ProcessorStream,
    modes: Modes,
  ): Promise<Answer | undefined> {
    const hasBody = carriesBody(request.req);
    let protocolConfig: object | undefined = {
      request_body_mode: BODY_MODES[this.options.requestBodyMode ?? "fullDuplexStreamed"],
      response_body_mode: BODY_MODES.none,
    };
    if (modes.requestHeaders) {
      const reply = await stream.exchange({
        request_headers: { headers: requestHeaderMap(request), end_of_stream: !hasBody },
        protocol_config: protocolConfig,
      });
      protocolConfig = undefined;
      const { immediate, common } = phaseReply(reply, "request_headers", "request");
      if (immediate) return immediate;
      this.override(reply, modes);
      editRequest(request, common);
    }
    if (!hasBody || !modes.requestBody) return undefined;
    const body = await requestBody(request.req);
    // Larger than any JSON-RPC message the relay takes: it refuses the request itself.
    if (body === undefined) return undefined;
    const reply = await stream.exchange({
      request_body: { body, end_of_stream: true },
      protocol_config: protocolConfig,
    });
    const { immediate, common } = phaseReply(reply, "request_body", "request");
    if (immediate) return immediate;
    editRequest(request, common);
    await keepsBody(stream, body, common);
    return undefined;
  }

  /** The answer's status and headers: edits them, or gives the answer that replaces it. */
  private async responsePhase(
    head: AnswerHead,
    stream: ProcessorStream,
  ): Promise<Answer | undefined> {
    try {
      const reply = await stream.exchange({
        response_headers: { headers: answerHeaderMap(head), end_of_stream: false },
      });
      const { immediate, common } = phaseReply(reply, "response_headers", "answer");
      if (immediate) return immediate;
      const { remove, set } = headerMutation(common?.header_mutation);
      for (const name of remove) head.remove(name);
      const edits: HeaderEdit[] = [];
      for (const change of set) {
        const edit = requestEdit(change, head.get(change.name) !== undefined);
        if (edit) edits.push(edit);
      }
      new HeaderEdits(edits).applyToAnswer(head);
      return undefined;
    } catch (error) {
      return this.failed(error as Error);
    } finally {
      stream.end();
    }
  }

  /** A `mode_override`, taken from the request headers' response when the options allow it. */
  private override(reply: ProcessingResponseObject, modes: Modes): void {
    const mode = reply.mode_override;
    if (!mode || this.options.allowModeOverride !== true) return;
    const responseHeaderMode = mode.response_header_mode ?? 0;
    if (responseHeaderMode !== 0) modes.responseHeaders = responseHeaderMode !== SKIP;
    modes.requestBody = (mode.request_body_mode ?? 0) !== BODY_MODES.none;
  }

  /** The processor failed: answer 500 (failClosed), or pass as if it had changed nothing. */
  private failed(error: Error): Answer | undefined {
    const cause = error.message;
    if (error instanceof Unprocessable || this.failureMode === "failClosed") {
      const message = `extProc: ${error instanceof Unprocessable ? cause : `the processor failed (${cause})`}`;
      return {
        status: 500,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
        body: "external processing failed",
        error: message,
      };
    }
    if (!this.failingOpen) {
      this.failingOpen = true;
      this.notice(
        "warn",
        `${this.where}: the processor failed (${cause}); requests pass (failOpen)`,
      );
    }
    return undefined;
  }

  private answersAgain(): void {
    if (!this.failingOpen) return;
    this.failingOpen = false;
    this.notice("info", `${this.where}: the processor answers again`);
  }
}

/** Whether a request has a body to send: JSON-RPC posts do; an SSE GET or a DELETE does not. */
function carriesBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/** What the processor said in one phase: go on (with changes), or answer in place. */
type PhaseReply =
  | { immediate: Answer; common?: undefined }
  | { immediate?: undefined; common: CommonResponseObject | undefined };

/**
 * The processor's answer to a phase. A message for another phase is a processor out of step
 * with the exchange: a failure.
 */
function phaseReply(
  reply: ProcessingResponseObject,
  kind: ResponseKind,
  answered: "request" | "answer",
): PhaseReply {
  if (reply.immediate_response)
    return { immediate: immediateAnswer(reply.immediate_response, answered) };
  const phase = reply[kind] as { response?: CommonResponseObject } | undefined;
  if (phase) return { common: phase.response };
  const sent = Object.keys(reply).filter((key) => key !== "mode_override");
  throw new Unprocessable(
    `the processor answered the ${kind.replace("_", " ")} with ${sent.join(", ") || "nothing"}`,
  );
}

/**
 * Applies a header mutation to the request as the steps after this one read it and as HTTP
 * targets are sent it: removals first, then the values set, as agentgateway orders them.
 * Headers the MCP transport owns are left alone, as a header modifier may not change them.
 */
function editRequest(request: PolicyRequest, common: CommonResponseObject | undefined): void {
  const { remove, set } = headerMutation(common?.header_mutation);
  const removals: HeaderEdit[] = remove
    .filter((name) => headerChangeProblem(name, "remove") === undefined)
    .map((name) => ({ kind: "remove", name }));
  const { headers } = request.req;
  const sets: HeaderEdit[] = [];
  for (const change of set) {
    const present =
      headers[change.name] !== undefined && !removals.some((r) => r.name === change.name);
    const edit = requestEdit(change, present);
    if (edit && headerChangeProblem(change.name, edit.kind) === undefined) sets.push(edit);
  }
  for (const edits of [removals, sets]) {
    if (edits.length === 0) continue;
    const changes = new HeaderEdits(edits);
    request.editHeaders(changes);
    request.sendToTargets(changes);
  }
}

/**
 * Gatehouse relays the JSON-RPC body as the client sent it. A processor may echo it (a full
 * duplex processor streams it back), but one that changes it is refused, not half-obeyed.
 */
async function keepsBody(
  stream: ProcessorStream,
  body: Buffer,
  common: CommonResponseObject | undefined,
): Promise<void> {
  const mutation = common?.body_mutation;
  if (!mutation) return;
  let result: Buffer;
  if (mutation.streamed_response) {
    const first = mutation.streamed_response.body ?? Buffer.alloc(0);
    const chunks = [first];
    let received = first.length;
    let ended = mutation.streamed_response.end_of_stream === true;
    while (!ended && received <= body.length) {
      const next = (await stream.next()).request_body?.response?.body_mutation?.streamed_response;
      if (!next) throw new Unprocessable("the processor broke off the streamed request body");
      chunks.push(next.body ?? Buffer.alloc(0));
      received += next.body?.length ?? 0;
      ended = next.end_of_stream === true;
    }
    result = Buffer.concat(chunks);
  } else {
    result = mutation.clear_body ? Buffer.alloc(0) : (mutation.body ?? Buffer.alloc(0));
  }
  if (!result.equals(body)) {
    throw new Unprocessable(
      "the processor changed the request body, which Gatehouse relays as the client sent it",
    );
  }
}

/** The request's headers as Envoy sends them: the pseudo-headers, then each header's bytes. */
function requestHeaderMap(request: PolicyRequest): object {
  return headerMap(checkHeaders(request, undefined));
}

function answerHeaderMap(head: AnswerHead): object {
  return headerMap({ ":status": String(head.status), ...head.all() });
}

function headerMap(headers: Record<string, string>): object {
  return {
    headers: Object.entries(headers).map(([key, value]) =>
      key.startsWith(":") ? { key, value } : { key, raw_value: Buffer.from(value, "latin1") },
    ),
  };
}
