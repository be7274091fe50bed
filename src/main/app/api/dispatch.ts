import type { z } from "zod";
import { UI_METHODS, type UiApi, type UiMethod } from "../../../shared/ui-api";
import type { DispatchResult } from "../../../shared/ui-bridge";
import { UI_ARGUMENTS } from "./arguments";

export type { DispatchResult };
export type Dispatch = (method: unknown, args: unknown) => Promise<DispatchResult>;

/**
 * The one door from a front end (Electron IPC, the admin HTTP API) into the UI API. Whatever
 * arrives is untrusted: the method must be one of UI_METHODS and the arguments must match its
 * schema. Failures come back as a message for a person, never as a stack trace.
 */
export function createDispatcher(api: UiApi): Dispatch {
  return async (method, args) => {
    if (!isUiMethod(method)) {
      return { ok: false, error: `unknown method ${describe(method)}` };
    }
    const schema = UI_ARGUMENTS[method];
    const countProblem = argumentCountProblem(schema, args);
    if (countProblem) return invalidArguments(method, countProblem);
    const parsed = schema.safeParse(args);
    if (!parsed.success) return invalidArguments(method, firstProblem(parsed.error));
    try {
      const call = api[method] as (...args: unknown[]) => Promise<unknown>;
      return { ok: true, value: await call.apply(api, parsed.data) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}

function isUiMethod(method: unknown): method is UiMethod {
  return typeof method === "string" && (UI_METHODS as readonly string[]).includes(method);
}

function invalidArguments(method: UiMethod, problem: string): DispatchResult {
  return { ok: false, error: `invalid arguments to ${method}: ${problem}` };
}

function describe(method: unknown): string {
  return typeof method === "string" ? `"${method.slice(0, 100)}"` : `of type ${typeof method}`;
}

/** Said in words, where zod would say "expected array to have >=3 items". */
function argumentCountProblem(schema: z.ZodTuple, args: unknown): string | undefined {
  const expected = schema.def.items.length;
  if (!Array.isArray(args)) return `expected a list of ${expected} arguments, got ${typeof args}`;
  if (args.length === expected) return undefined;
  return `expected ${expected} argument${expected === 1 ? "" : "s"}, got ${args.length}`;
}

/** E.g. `argument 1 (claims.sub): Invalid input: expected string, received number`. */
function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "they do not match";
  const [position, ...rest] = issue.path;
  if (typeof position !== "number") return issue.message;
  const where = rest.length > 0 ? ` (${rest.map(String).join(".")})` : "";
  return `argument ${position + 1}${where}: ${issue.message}`;
}
