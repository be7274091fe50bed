import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { LogBus } from "../log-bus";
import { OPEN_ACCESS } from "../policies/caller";
import type { CompiledRoute } from "../runtime";
import type { CallOrigin } from "./client-call";
import type { RpcMessage } from "./jsonrpc";
import { RelaySession, type SessionContext } from "./session";

export interface ListedTool {
  target: string;
  /** The tool's own name at its target, as mcpAuthorization rules see it. */
  name: string;
  /** The name a client sees, prefixed with the target where the route's prefix mode says so. */
  exposed: string;
}

type Result = Record<string, unknown>;

/**
 * Every tool of a route's targets, unfiltered: the gateway opens a session of its own, in
 * process and with open access, so the list is exactly what the relay would merge and expose.
 * The session stays open while the route is served, so that asking again spawns nothing: the
 * list is kept until a target says `notifications/tools/list_changed`, and listed again then.
 * A session whose listing fails is closed, and the next ask starts afresh.
 */
export class RouteToolList {
  private session: RelaySession | undefined;
  private tools: Promise<ListedTool[]> | undefined;
  private closed = false;
  private readonly origin: CallOrigin;

  constructor(
    private readonly route: CompiledRoute,
    private readonly context: SessionContext,
  ) {
    this.origin = {
      route: route.name,
      path: "(in process)",
      status: 200,
      access: OPEN_ACCESS,
      mcpAuthorization: undefined,
    };
  }

  list(): Promise<ListedTool[]> {
    if (this.closed) return Promise.reject(new Error(`route ${this.route.name} is not served now`));
    const tools = (this.tools ??= this.listAnew().catch(async (error: unknown) => {
      if (this.tools === tools) this.tools = undefined;
      await this.closeSession();
      throw error;
    }));
    return tools;
  }

  /** Process ids of the stdio targets its session runs. */
  get pids(): number[] {
    return this.session?.pids ?? [];
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closeSession();
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.tools = undefined;
    await session?.close();
  }

  private async listAnew(): Promise<ListedTool[]> {
    const session = this.session ?? (await this.open());
    const tools: ListedTool[] = [];
    let cursor: unknown;
    do {
      const page = await this.ask(session, "tools/list", cursor === undefined ? {} : { cursor });
      for (const { name: exposed } of (page.tools ?? []) as { name: string }[]) {
        const resolved = session.resolve("tool", exposed);
        if (resolved) tools.push({ ...resolved, exposed });
      }
      cursor = page.nextCursor;
    } while (typeof cursor === "string");
    return tools;
  }

  private async open(): Promise<RelaySession> {
    // A bus of its own: the gateway asking itself is not traffic for the log or the target states.
    const quiet = { ...this.context, bus: new LogBus() };
    const changed = (message: RpcMessage) => {
      if (message.method === "notifications/tools/list_changed") this.tools = undefined;
    };
    const session = new RelaySession(this.route, quiet, () => undefined, changed);
    this.session = session;
    await this.ask(session, "initialize", {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "gatehouse", version: this.context.gatewayInfo.version },
    });
    session.handle({ jsonrpc: "2.0", method: "notifications/initialized" }, undefined, this.origin);
    return session;
  }

  private async ask(session: RelaySession, method: string, params: Result): Promise<Result> {
    const answer = await session.ask(method, params, this.origin);
    if (answer.error) throw new Error(answer.error.message);
    return answer.result ?? {};
  }
}
