import type { RequestEvent } from "./log-event";
import type { CelContext } from "./policies/cel";
import { logContext, loggedRequest, type LogContext } from "./policies/log-context";
import type { CompiledPolicy, Observation, PolicyRequest } from "./policies/policy";

/**
 * What every policy that watches traffic keeps of one HTTP request, or of one call in it: the
 * one object the gateway and the relay tell of starts, sends, log events and ends. A request
 * nobody watches has none, and costs nothing.
 */
export class RequestWatch {
  private constructor(
    private readonly request: PolicyRequest,
    private readonly parts: readonly Observation[],
    /** The request's part of every log context, shared with the watches of its calls. */
    private readonly shared: { context?: CelContext },
  ) {}

  /** The watch of a request as it arrives, if any of `observers` watches it. */
  static start(
    observers: readonly CompiledPolicy[],
    request: PolicyRequest,
  ): RequestWatch | undefined {
    if (observers.length === 0) return undefined;
    const parts = observers.flatMap((observer) => observer.observe?.(request) ?? []);
    return parts.length > 0 ? new RequestWatch(request, parts, {}) : undefined;
  }

  /** The watch of a call in the request, if any policy watches it. */
  call(method: string): RequestWatch | undefined {
    const parts = this.parts.flatMap((part) => part.call?.(method) ?? []);
    return parts.length > 0 ? new RequestWatch(this.request, parts, this.shared) : undefined;
  }

  /** Runs `send` within what each policy sets around it, the first policy outermost. */
  around<T>(send: () => T): T {
    let run = send;
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const wrap = this.parts[i]?.around?.bind(this.parts[i]);
      if (!wrap) continue;
      const inner = run;
      run = () => wrap(inner);
    }
    return run();
  }

  /**
   * The event as the watching policies would have it logged, each seeing the one before; then
   * each is told of the result.
   */
  logged(event: RequestEvent): RequestEvent {
    const context = this.contextOf(event);
    let logged = event;
    for (const part of this.parts) logged = part.logged?.(logged, context) ?? logged;
    for (const part of this.parts) part.published?.(logged, context);
    return logged;
  }

  /** The request is over; `summary` is its log event, or what one would have said. */
  ended(summary: RequestEvent): void {
    const context = this.contextOf(summary);
    for (const part of this.parts) part.ended?.(summary, context);
  }

  /** The event's log context, built when a policy first asks for it. */
  private contextOf(event: RequestEvent): () => LogContext {
    let built: LogContext | undefined;
    return () => {
      this.shared.context ??= loggedRequest(this.request.context());
      return (built ??= logContext(this.shared.context, event));
    };
  }
}
