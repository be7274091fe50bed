import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What a `requestState` the gateway issued binds a retry to. */
export interface StateClaims {
  /** The waiting call the retry continues. */
  call: string;
  /** Listener, route and principal of the caller: another caller cannot continue the call. */
  owner: string;
  /** The request it was issued for: a retry of another request does not continue it. */
  method: string;
  name: string | undefined;
}

/**
 * Marks a state as the gateway's own. A `requestState` without it belongs to a 2026-07-28
 * target, and passes through untouched: the target checks its own.
 */
const PREFIX = "gatehouse.v1.";
/** Longer than any state the gateway issues; a longer one is refused before it is parsed. */
const MAX_STATE_LENGTH = 4096;

export type Verified = { claims: StateClaims } | { problem: string };

/**
 * Issues and checks the `requestState` of the input rounds the gateway runs for 2025 targets
 * (a target's request to the client, relayed as `input_required`). The state is signed with a
 * key that lives as long as the gateway, and it expires: the client holds it, so it is
 * attacker-controlled input until its signature says otherwise.
 */
export class RequestStateSigner {
  private readonly key = randomBytes(32);

  constructor(private readonly ttlMs: number) {}

  issue(claims: StateClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ ...claims, expires: Date.now() + this.ttlMs }),
    ).toString("base64url");
    return `${PREFIX}${payload}.${this.sign(payload)}`;
  }

  /** Whether a `requestState` is one the gateway issued (valid or not). */
  static isOwn(state: unknown): state is string {
    return typeof state === "string" && state.startsWith(PREFIX);
  }

  /** The claims of a state the gateway issued, unless it was altered or has expired. */
  verify(state: string): Verified {
    const dot = state.lastIndexOf(".");
    if (state.length > MAX_STATE_LENGTH || dot < PREFIX.length) {
      return { problem: "requestState is not one the gateway issued" };
    }
    const payload = state.slice(PREFIX.length, dot);
    const given = Buffer.from(state.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { problem: "requestState was altered or issued by another gateway" };
    }
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as StateClaims & {
      expires: number;
    };
    if (claims.expires < Date.now()) return { problem: "requestState has expired" };
    return { claims };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
