import type { ClientSetup, ClientSnippet } from "../../shared/ui-api";

const SERVER_NAME = "gatehouse";

/** Ready-to-paste settings that point the common MCP clients at the gateway. */
export function clientSetup(
  endpoint: string,
  minted?: { token: string; expiresAt: string },
): ClientSetup {
  const authorization = minted && `Bearer ${minted.token}`;
  const headers = authorization ? { headers: { Authorization: authorization } } : {};
  const snippets: ClientSnippet[] = [
    {
      client: "Claude Desktop",
      where: "claude_desktop_config.json (Settings → Developer → Edit Config)",
      // Claude Desktop starts local servers only; mcp-remote bridges it to an HTTP endpoint.
      // `-y`: Claude Desktop gives npx no terminal, so its "Ok to proceed?" would hang the start.
      text: json({
        mcpServers: {
          [SERVER_NAME]: {
            command: "npx",
            args: [
              "-y",
              "mcp-remote",
              endpoint,
              ...(authorization ? ["--header", `Authorization: ${authorization}`] : []),
            ],
          },
        },
      }),
    },
    {
      client: "Cursor",
      where: "~/.cursor/mcp.json",
      text: json({ mcpServers: { [SERVER_NAME]: { url: endpoint, ...headers } } }),
    },
    {
      client: "VS Code",
      where: ".vscode/mcp.json",
      text: json({ servers: { [SERVER_NAME]: { type: "http", url: endpoint, ...headers } } }),
    },
    {
      client: "MCP Inspector",
      where: "a terminal, then the Inspector's connection panel",
      text: [
        "npx @modelcontextprotocol/inspector",
        "",
        "Transport Type: Streamable HTTP",
        `URL: ${endpoint}`,
        ...(authorization ? [`Header: Authorization = ${authorization}`] : []),
      ].join("\n"),
    },
  ];
  return {
    endpoint,
    ...(minted && { token: minted.token, expiresAt: minted.expiresAt }),
    snippets,
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
