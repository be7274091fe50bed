import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import type { PlaygroundSession, ToolCallOutcome, ToolSummary } from "../../shared/ui-api";
import { explainAccess, type Refusal } from "../gateway/explain-access";
import type { Runtime } from "../gateway/runtime";

/**
 * MCP sessions the user opens from the window to try the gateway as some caller. They are
 * real clients over HTTP, so they meet every policy exactly as Claude or Cursor would.
 */
export class Playground {
  private readonly clients = new Map<string, Client>();

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
    this.clients.set(id, client);
    return { id, endpoint, tools };
  }

  async callTool(
    id: string,
    name: string,
    args: Record<string, unknown>,
  ): Promise<ToolCallOutcome> {
    const client = this.clients.get(id);
    if (!client) throw new Error("this playground session is closed: connect again");
    try {
      const result = await client.callTool({ name, arguments: args });
      const content = (result.content ?? []) as { type: string; text?: string }[];
      if (result.isError) return { ok: false, error: content.map((c) => c.text ?? "").join("\n") };
      return { ok: true, content };
    } catch (error) {
      return { ok: false, error: gatewayAnswer(error) };
    }
  }

  async disconnect(id: string): Promise<void> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    await client?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((id) => this.disconnect(id)));
  }
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
  const listener = runtime.listeners.find((candidate) => candidate.routes.length > 0);
  const route = listener?.routes[0];
  if (!listener || !route) return undefined;
  const presented = token === undefined ? { anonymous: true as const } : { token };
  return (await explainAccess(listener, route, presented)).refused;
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
