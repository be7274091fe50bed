import {
  ServerResponse,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
} from "node:http";
import type { AnswerHead, AnswerHeadEditor } from "./policies/answer-head";

type HeadersArgument = OutgoingHttpHeaders | OutgoingHttpHeader[];

/**
 * The gateway's responses: every answer, the gateway's own and the relay's, has its head written
 * through `writeHead` (Node calls it too for an answer begun with `write` or `end`), where the
 * request's policies edit it last. So a policy reaches the headers the relay sets, with no
 * relay code knowing about policies.
 */
export class AnswerResponse<Request extends IncomingMessage = IncomingMessage>
  extends ServerResponse<Request>
  implements AnswerHead
{
  /** Set by the gateway when the request arrives. */
  editor: AnswerHeadEditor | undefined;
  status = 0;

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | HeadersArgument,
    headers?: HeadersArgument,
  ): this {
    const editor = this.editor;
    if (!editor?.editsAnswer) {
      return super.writeHead(statusCode, reasonOrHeaders as string, headers);
    }
    this.editor = undefined;
    const reason = typeof reasonOrHeaders === "string" ? reasonOrHeaders : undefined;
    const given = typeof reasonOrHeaders === "string" ? headers : reasonOrHeaders;
    // Headers given here join those set before, as Node would join them, so edits see them all.
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2) {
        this.setHeader(String(given[i]), given[i + 1] as string);
      }
    } else if (given) {
      for (const [name, value] of Object.entries(given)) {
        if (value !== undefined) this.setHeader(name, value);
      }
    }
    this.status = statusCode;
    editor.editAnswer(this);
    return super.writeHead(statusCode, reason);
  }

  get(name: string): string | undefined {
    const value = this.getHeader(name);
    return Array.isArray(value) ? value.join(", ") : value?.toString();
  }

  set(name: string, value: string): void {
    this.setHeader(name, value);
  }

  add(name: string, value: string): void {
    this.appendHeader(name, value);
  }

  remove(name: string): void {
    this.removeHeader(name);
  }

  all(): Record<string, string> {
    const all: Record<string, string> = {};
    for (const name of this.getHeaderNames()) all[name] = this.get(name) as string;
    return all;
  }
}
