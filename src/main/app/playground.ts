import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type {
  CallPreview,
  PlaygroundSession,
  ToolCallOutcome,
  ToolSummary,
} from "../../shared/ui-api";
import { explainAccess, type Presented, type Refusal } from "../gateway/explain-access";
import type { ListedTool } from "../gateway/relay/list-all-tools";
import type { CompiledListener, CompiledRoute, Runtime } from "../gateway/runtime";

/** Every tool of a route, as the gateway lists them unfiltered (Gateway.listTools). */
export type RouteTools = (route: CompiledRoute) => Promise<ListedTool[]>;

interface OpenSession {
  client: Client;
  /** Who it connected as, for explainAccess to judge a call as the gateway will. */
  presented: Presented;
}

/**
 * MCP sessions the user opens from the window to try the gateway as some caller. They are
 * real clients over HTTP, so they meet every policy exactly as Claude or Cursor would.
 */
export class Playground {
  private readonly sessions = new Map<string, OpenSession>();

  /**
   * Opens a session on the endpoint of the runtime's first route (where the window points it).
   * When the gateway refuses it, the runtime's explainAccess adds the deciding rule, which a 403
   * answer leaves out.
   */
  async connect(
    endpoint: string,
    token: string | undefined,
    runtime?: Runtime,
  ): Promise<PlaygroundSession> {
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const transport = new StreamableHTTPClientTransport(new URL(endpoint), {
      requestInit: { headers },
    });
    const client = new Client({ name: "gatehouse-playground", version: "1.0.0" });
    let tools: ToolSummary[];
    try {
      await client.connect(transport);
      tools = await listAllTools(client);
    } catch (error) {
      await client.close().catch(() => undefined);
      const answer = gatewayAnswer(error);
      const why = runtime && (await refusal(runtime, token));
      const explained =
        why && !answer.includes(why.reason) ? `${answer} (${why.policy}: ${why.reason})` : answer;
      throw new Error(`the gateway refused the playground session: ${explained}`, {
        cause: error,
      });
    }
    const id = randomUUID();
    this.sessions.set(id, { client, presented: presentedBy(token) });
    return { id, endpoint, tools };
  }

  async callTool(
    id: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolCallOutcome> {
    const client = this.open(id).client;
    try {
      const result = await client.callTool({ name, arguments: args });
      const content = (result.content ?? []) as { type: string; text?: string }[];
      if (result.isError) return { ok: false, error: content.map((c) => c.text ?? "").join("\n") };
      return { ok: true, content };
    } catch (error) {
      return { ok: false, error: gatewayAnswer(error) };
    }
  }

  /**
   * Whether the gateway would let this session call a tool with these arguments, and by which
   * rule, before it is called: the runtime's explainAccess for the session's caller on the
   * first route (where the session is connected), with the tool's target and own name from the
   * route's unfiltered list. The same compiled rules and CEL context as the relay's.
   */
  async previewCall(
    id: string,
    exposed: string,
    args: Record<string, unknown>,
    runtime: Runtime | undefined,
    routeTools: RouteTools,
  ): Promise<CallPreview> {
    const { presented } = this.open(id);
    const first = runtime && firstRoute(runtime);
    if (!first) return { allowed: false, reason: "the gateway serves no route" };
    const { listener, route } = first;
    const tool = (await routeTools(route)).find((listed) => listed.exposed === exposed);
    if (!tool) {
      return { allowed: false, reason: `no target of route ${route.name} offers ${exposed}` };
    }
    const explained = await explainAccess(listener, route, presented);
    if (explained.refused) {
      const { policy, reason } = explained.refused;
      return { allowed: false, reason: `${policy}: ${reason}` };
    }
    const decision = explained.toolCall(tool.target, tool.name, args);
    // An external service or a sign-in has its say at request time: an allowance is theirs too.
    const proviso =
      decision.allowed && explained.unforeseen.length
        ? ` (if ${explained.unforeseen.join(" and ")} let it pass)`
        : "";
    return {
      allowed: decision.allowed,
      reason: decision.reason + proviso,
      ...(decision.ruleIndex !== undefined && { rule: decision.ruleIndex + 1 }),
    };
  }

  async disconnect(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    await session?.client.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.disconnect(id)));
  }

  private open(id: string): OpenSession {
    const session = this.sessions.get(id);
    if (!session) throw new Error("this playground session is closed: connect again");
    return session;
  }
}

function presentedBy(token: string | undefined): Presented {
  return token === undefined ? { anonymous: true } : { token };
}

/** The route the window points the playground at: the first route of the first listener with one. */
function firstRoute(
  runtime: Runtime,
): { listener: CompiledListener; route: CompiledRoute } | undefined {
  const listener = runtime.listeners.find((candidate) => candidate.routes.length > 0);
  const route = listener?.routes[0];
  return listener && route ? { listener, route } : undefined;
}

async function listAllTools(client: Client): Promise<ToolSummary[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
}

/** Why the first route refuses this token (or no token), as explainAccess tells it. */
async function refusal(runtime: Runtime, token: string | undefined): Promise<Refusal | undefined> {
  const first = firstRoute(runtime);
  if (!first) return undefined;
  return (await explainAccess(first.listener, first.route, presentedBy(token))).refused;
}

/** What the gateway said, without the SDK's wrapping: `Unknown tool: x`, or an HTTP body. */
function gatewayAnswer(error: unknown): string {
  const message = (error as Error).message;
  if (error instanceof McpError) return message.replace(/^MCP error -?\d+: /, "");
  if (error instanceof StreamableHTTPError) {
    return `HTTP ${error.code}: ${message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, "")}`;
  }
  return message;
}
