import {
  ServerResponse,
  type IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
} from "node:http";
import type { AnswerHead, AnswerHeadEditor, AnswerReplacement } from "./policies/answer-head";

type HeadersArgument = OutgoingHttpHeaders | OutgoingHttpHeader[];

/** A write or end made while the head is held, to make once it is written. */
type HeldCall = { end: boolean; args: unknown[] };

/**
 * The gateway's responses: every answer, the gateway's own and the relay's, has its head written
 * through `writeHead` (Node calls it too for an answer begun with `write` or `end`), where the
 * request's policies edit it last. So a policy reaches the headers the relay sets, with no
 * relay code knowing about policies. A policy that must ask a service about the head holds it,
 * and the body written meanwhile, until it settles.
 */
export class AnswerResponse<Request extends IncomingMessage = IncomingMessage>
  extends ServerResponse<Request>
  implements AnswerHead
{
  /** Set by the gateway when the request arrives. */
  editor: AnswerHeadEditor | undefined;
  status = 0;
  /** While the head is held: the writes made meanwhile; "replaced" once another answer went. */
  private held: HeldCall[] | "replaced" | undefined;

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | HeadersArgument,
    headers?: HeadersArgument,
  ): this {
    if (this.held !== undefined) return this;
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
    const settling = editor.settleAnswer(this);
    if (!settling) return super.writeHead(statusCode, reason);
    const held: HeldCall[] = [];
    this.held = held;
    settling.then(
      (replacement) => this.release(held, statusCode, reason, replacement),
      (error: unknown) => this.destroy(error as Error),
    );
    return this;
  }

  override write(...args: unknown[]): boolean {
    this.headBeforeBody();
    if (this.held === "replaced") return false;
    if (this.held) return this.held.push({ end: false, args }) > 0;
    return (super.write as (...args: unknown[]) => boolean)(...args);
  }

  override end(...args: unknown[]): this {
    this.headBeforeBody();
    if (this.held === "replaced") return this;
    if (this.held) {
      this.held.push({ end: true, args });
      return this;
    }
    return (super.end as (...args: unknown[]) => this)(...args);
  }

  override flushHeaders(): void {
    this.headBeforeBody();
    if (this.held === undefined) super.flushHeaders();
  }

  /** A body begun without `writeHead` has its head written first, so that it may be held. */
  private headBeforeBody(): void {
    if (this.held === undefined && !this.headersSent && this.editor?.editsAnswer) {
      this.writeHead(this.statusCode);
    }
  }

  /** The head settled: writes it and what was held, or the answer that replaces them. */
  private release(
    held: HeldCall[],
    statusCode: number,
    reason: string | undefined,
    replacement: AnswerReplacement | undefined,
  ): void {
    if (replacement) {
      this.held = "replaced";
      for (const name of this.getHeaderNames()) this.removeHeader(name);
      super.writeHead(replacement.status, replacement.headers);
      super.end(replacement.body);
      return;
    }
    this.held = undefined;
    super.writeHead(statusCode, reason);
    for (const { end, args } of held) {
      if (end) (super.end as (...args: unknown[]) => this)(...args);
      else (super.write as (...args: unknown[]) => boolean)(...args);
    }
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
