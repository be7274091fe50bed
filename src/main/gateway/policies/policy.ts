import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { PathMatch } from "../../config/model";
import type { CelContext } from "./cel";
import type { AnswerHead, AnswerHeadEditor } from "./answer-head";
import { ANONYMOUS, type Access, type Caller } from "./caller";
import { celContext } from "./cel-context";
import type { CompileContext, ConfigPath } from "./compile-context";
import type { HeaderEdits } from "./header-edits";
import type { ClaimedCaller } from "./jwt/untrusted-token";
import type { LogContext } from "./log-context";
import type { RequestEvent } from "../log-event";

/**
 * Where in a config a policy can be written, outermost first: for all traffic
 * (`frontendPolicies`), on a gateway, on one of its listeners, on a route, on the route's MCP
 * backend, on one target of that backend.
 */
export type Attachment = "frontend" | "gateway" | "listener" | "route" | "backend" | "target";

/**
 * The steps of the request pipeline, in the order they run: agentgateway's order. A policy
 * names its step; the gateway's policies run through every step before the route is chosen,
 * then the route's and its backend's, each step's route policy before its backend policy.
 */
export const STEPS = [
  /** Refuses requests no policy may see: DNS rebinding. */
  "guard",
  /** Answers preflights, and decorates every answer for the browser. */
  "cors",
  /** Establishes who is calling (jwtAuth, apiKey, basicAuth, mcpAuthentication), or serves
   * what a client needs to learn how to (OAuth metadata). */
  "authenticate",
  /** Decides whether that caller may make this request: extAuthz, authorization. */
  "authorize",
  /** How often, and for how long: localRateLimit, timeout. */
  "limit",
  /** Changes the request on its way in: csrf, header modifiers, urlRewrite. */
  "modify",
  /** Answers in place of the targets, or holds the request first: requestRedirect, delay,
   * directResponse. */
  "respond",
] as const;
export type Step = (typeof STEPS)[number];

/** An answer a policy gives instead of passing the request on. */
export interface Answer {
  status: number;
  /** A header that repeats (Set-Cookie) has a list: an external service's answer may. */
  headers: Record<string, string | string[]>;
  body: string;
  /** Set when the answer refuses the caller: why, for the log, which shows it as a denial. */
  reason?: string;
  /**
   * Set when the answer reports a failure that is not the caller's doing (a service the policy
   * depends on did not answer): what went wrong, for the log.
   */
  error?: string;
  /** Who a refused token claims its caller is, unverified: for the log only. */
  claimed?: ClaimedCaller;
}

/** CEL variables that a step computes for the rules and log fields after it. */
export type ComputedVariables = Partial<Pick<CelContext, "extauthz">>;

/**
 * One request on its way through the pipeline: what the policies read, and what they leave for
 * the ones after them and for the relay.
 */
export class PolicyRequest implements AnswerHeadEditor {
  private callerSoFar: Caller = ANONYMOUS;
  private cel: CelContext | undefined;
  private computedSoFar: ComputedVariables | undefined;
  private forTargets: HeaderEdits[] | undefined;
  private answerEditors: ((head: AnswerHead, request: PolicyRequest) => void)[] | undefined;
  private answerSettlers: ((head: AnswerHead) => Promise<Answer | undefined>)[] | undefined;
  /** Headers every answer to this request carries: CORS, rate limits, header modifiers. */
  readonly responseHeaders: Record<string, string> = {};
  /** When the request arrived, as `performance.now()` reads it. */
  readonly startedAt = performance.now();
  /**
   * When the answer must have begun (a `performance.now()` reading), if the route's `timeout`
   * says so. Steps that wait keep to it, and so does the relay: it answers 504 for the calls
   * still unanswered then and withdraws them from their targets.
   */
  deadline: number | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly path: string,
  ) {}

  /** Who is calling, as far as the authentication steps so far established it. */
  get caller(): Caller {
    return this.callerSoFar;
  }

  /** An authentication step vouches for a caller; CEL rules after it see this one. */
  set caller(caller: Caller) {
    this.callerSoFar = caller;
    this.cel = undefined;
  }

  /** What CEL rules see of the request; built once, on first use, and shared by every rule. */
  context(): CelContext {
    return (this.cel ??= celContext(this.req, this.path, this.callerSoFar, this.computedSoFar));
  }

  /** The CEL variables the steps so far computed. */
  get computed(): Readonly<ComputedVariables> {
    return this.computedSoFar ?? {};
  }

  /** A step sets a CEL variable that the rules and log fields after it see. */
  compute<Name extends keyof ComputedVariables>(name: Name, value: ComputedVariables[Name]): void {
    (this.computedSoFar ??= {})[name] = value;
    this.cel = undefined;
  }

  /** Changes the request's headers as the steps after this one, and the relay, read them. */
  editHeaders(edits: HeaderEdits): void {
    edits.applyToRequest(this.req.headers);
    this.cel = undefined;
  }

  /**
   * Header edits for every request sent to HTTP targets on this request's behalf, evaluated for
   * it alone (the target policies' own wrappers apply after them).
   */
  get targetHeaders(): readonly HeaderEdits[] | undefined {
    return this.forTargets;
  }

  sendToTargets(edits: HeaderEdits): void {
    (this.forTargets ??= []).push(edits);
  }

  /** Registers a change to the head of whatever answer this request gets from here on. */
  editAnswers(editor: (head: AnswerHead, request: PolicyRequest) => void): void {
    (this.answerEditors ??= []).push(editor);
  }

  /**
   * Registers a change to the head of the answer that must wait for something (an external
   * service): the answer is held until it settles, after the changes `editAnswers` registered.
   * It may replace the answer instead.
   */
  settleAnswers(settle: (head: AnswerHead) => Promise<Answer | undefined>): void {
    (this.answerSettlers ??= []).push(settle);
  }

  get editsAnswer(): boolean {
    return this.answerEditors !== undefined || this.answerSettlers !== undefined;
  }

  editAnswer(head: AnswerHead): void {
    for (const editor of this.answerEditors ?? []) editor(head, this);
  }

  settleAnswer(head: AnswerHead): Promise<Answer | undefined> | undefined {
    const settlers = this.answerSettlers;
    if (settlers === undefined) return undefined;
    return (async () => {
      // In order; the first to replace the answer ends the settling.
      for (const settle of settlers) {
        const replacement = await settle(head);
        if (replacement) return replacement;
      }
      return undefined;
    })();
  }
}

/** What a request step does: pass (undefined), or answer in place of everything after it. */
export type StepResult = Answer | undefined;

/** `fetch` as the relay calls HTTP targets; a target policy wraps it. */
export type Fetch = typeof fetch;

/** A request a session served, as the pipeline left it, for the fetches made on its behalf. */
export interface ServedRequest {
  readonly access: Access;
  /** Header edits its policies evaluated for the targets (`PolicyRequest.targetHeaders`). */
  readonly targetHeaders?: readonly HeaderEdits[];
}

/** What a wrapped fetch is for: the HTTP target it reaches, and on whose behalf. */
export interface FetchScope {
  /** The target's name and address, as the config gives them. */
  readonly target: { readonly name: string; readonly url: string };
  /**
   * The latest request the session served; undefined before its first. A session serves one
   * principal, so this is the caller of the fetch; with requests in flight side by side, their
   * request-specific headers follow the latest of them, as the token does.
   */
  served(): ServedRequest | undefined;
}

/** A policy compiled from its config, once per load: what it contributes, where. */
export interface CompiledPolicy {
  /** Runs for every request at the policy's step. */
  handle?(request: PolicyRequest): StepResult | Promise<StepResult>;
  /** Whether `handle` (or the relay, for this policy) reads the request's CEL context. */
  readonly readsContext?: boolean;
  /** Whether answers may differ from one caller to the next, so must not be shared in caches. */
  readonly variesByCaller?: boolean;
  /**
   * Wraps the fetch that reaches HTTP targets: credentials, headers, TLS, time limits, retries.
   * Kinds wrap in registry order, the first outermost; a target's own occurrence of a kind
   * replaces the route's. `callerToken` is the bearer token
   * the session's caller presented last, for the policies that forward it; `scope` names the
   * target and what the session last served.
   */
  wrapFetch?(next: Fetch, callerToken: () => string | undefined, scope: FetchScope): Fetch;
  /** Releases what it holds (key refreshers, connections) when a reload replaces it. */
  close?(): Promise<void>;
  /**
   * Watches traffic (access logs, traces): told of each HTTP request as it arrives, it returns
   * what it keeps of that request, or undefined to let it pass unwatched.
   */
  observe?(request: PolicyRequest): Observation | undefined;
}

/**
 * What a policy that watches traffic keeps of one HTTP request, or of one JSON-RPC call in it,
 * from its start to its log event. Every member is optional: a policy implements what it needs.
 */
export interface Observation {
  /** A call in the observed request starts: what the policy keeps of it, if it watches it. */
  call?(method: string): Observation | undefined;
  /** Sends the observed call on to its targets: requests to HTTP targets made within see it. */
  around?<T>(send: () => T): T;
  /**
   * The observed request or call is logged: returns the event as the log should have it
   * (fields added, left out of the access log), before the bus bounds it. `context` is what CEL
   * expressions see of it, built on first use.
   */
  logged?(event: RequestEvent, context: () => LogContext): RequestEvent;
  /**
   * The event as it goes to the log, every watching policy having had its say (fields added,
   * trace ids set): for a policy that sends it elsewhere too.
   */
  published?(event: RequestEvent, context: () => LogContext): void;
  /**
   * The observed HTTP request is over: its answer went out, or its client went away. `summary`
   * is its log event, or what one would have said.
   */
  ended?(summary: RequestEvent, context: () => LogContext): void;
}

/**
 * A kind of policy: its key in the config, the schema of its value, where it may be written,
 * where it runs, and how it compiles. Adding a policy is one such definition (one file) and one
 * line in the registry.
 */
export interface PolicyKind<Key extends string = string, Config = unknown, Compiled = unknown> {
  readonly key: Key;
  readonly schema: z.ZodType<Config>;
  readonly attachments: readonly Attachment[];
  /** Where `handle` runs; policies that only wrap fetch or serve the relay have no step. */
  readonly step?: Step;
  /**
   * Set for the few policies agentgateway has as a key of the MCP backend itself rather than
   * under its `policies`.
   */
  readonly writtenOnBackend?: true;
  /** The config it has where none is written, if it is on by default. */
  byDefault?(ctx: PolicyCompileContext): Config | undefined;
  /**
   * Compiles one occurrence; problems go to `ctx` at `path` (undefined then). `siblings` are
   * the other policies written beside it, for the few that depend on one another.
   */
  compile(
    config: Config,
    path: ConfigPath,
    ctx: PolicyCompileContext,
  ): (Compiled & CompiledPolicy) | undefined | Promise<(Compiled & CompiledPolicy) | undefined>;
}

/** What compiling a policy may need: the general context, and what is written beside it. */
export interface PolicyCompileContext extends CompileContext {
  /** The other policies of the same attachment point, as written. */
  siblings: Readonly<Record<string, unknown>>;
  /** The address the listener binds: some defaults differ for loopback-only listeners. */
  listenerAddress: string;
  /** Where this occurrence is written: some kinds act differently on a route and a target. */
  attachment: Attachment;
  /** The path matches of the route it is written for (empty: every path), where there is one. */
  routePaths?: readonly PathMatch[];
}

/** Declares a policy kind, keeping its key and config types for the registry and schema. */
export function definePolicy<const Key extends string, Config, Compiled>(
  kind: PolicyKind<Key, Config, Compiled>,
): PolicyKind<Key, Config, Compiled> {
  return kind;
}
