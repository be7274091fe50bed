import type { McpClientId } from "../../../shared/ui-api";
import { homeDir, pathFor, userAppDataDir } from "../../keystore/data-dir";
import { ClientConfigError } from "./client-config-error";

/** The name of Gatehouse's entry in every client's list of servers. */
export const ENTRY_NAME = "gatehouse";

/** Whose machine the client files are looked for on: a parameter, so every OS can be tested. */
export interface ClientPlace {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}

/** Where an entry sends the client, and the Authorization header it sends, read back. */
export interface EntryTarget {
  url?: string;
  authorization?: string;
}

/** One MCP client: where it keeps its servers and the entry it takes for the gateway. */
export interface McpClient {
  id: McpClientId;
  name: string;
  /** The key of the object that maps server names to their settings. */
  serversKey: "mcpServers" | "servers";
  /** The file is JSON with comments (and trailing commas), as the client itself reads it. */
  jsonc: boolean;
  /** The user-wide file, by OS. */
  userFile(place: ClientPlace): string;
  /** The file inside a project folder, for clients that read one. */
  projectFile?: readonly string[];
  /** The entry that points the client at `url`, with `authorization` as its header if given. */
  entry(url: string, authorization?: string): Record<string, unknown>;
  /** What an entry found in the file points at. */
  target(entry: Record<string, unknown>): EntryTarget;
}

const AUTH_VARIABLE = "AUTH_HEADER";

/** A remote entry of the common shape: a URL key, and the header in `headers`. */
function remoteEntry(urlKey: "url" | "serverUrl", fields: Record<string, unknown> = {}) {
  return {
    entry: (url: string, authorization?: string) => ({
      ...fields,
      [urlKey]: url,
      ...(authorization && { headers: { Authorization: authorization } }),
    }),
    target: (entry: Record<string, unknown>): EntryTarget => ({
      url: text(entry[urlKey]) ?? text(entry.url),
      authorization: text(record(entry.headers)?.Authorization),
    }),
  };
}

export const MCP_CLIENTS: Record<McpClientId, McpClient> = {
  // The file and its folders: modelcontextprotocol.io, "Connect to local MCP servers" (macOS
  // ~/Library/Application Support/Claude, Windows %APPDATA%\Claude). There is no Linux build;
  // the community's builds are Electron apps that keep it in appData, ~/.config/Claude.
  // Claude Desktop's config file starts local (stdio) servers only, so mcp-remote bridges it to
  // the gateway. mcp-remote's README: `-y` so npx never waits on an install prompt, and the
  // header as `Authorization:${AUTH_HEADER}` with the value in `env`, since Claude Desktop on
  // Windows does not escape spaces inside args; mcp-remote expands ${VAR} from its environment.
  "claude-desktop": {
    id: "claude-desktop",
    name: "Claude Desktop",
    serversKey: "mcpServers",
    jsonc: false,
    userFile: (place) =>
      pathFor(place.platform).join(
        userAppDataDir(place.env, place.platform),
        "Claude",
        "claude_desktop_config.json",
      ),
    entry: (url, authorization) => ({
      command: "npx",
      args: [
        "-y",
        "mcp-remote",
        url,
        ...(authorization ? ["--header", `Authorization:\${${AUTH_VARIABLE}}`] : []),
      ],
      ...(authorization && { env: { [AUTH_VARIABLE]: authorization } }),
    }),
    target: (entry) => {
      const args = Array.isArray(entry.args) ? entry.args.filter((a) => typeof a === "string") : [];
      const header = args[args.indexOf("--header") + 1];
      const given = header?.match(/^Authorization:\s*(.*)$/i)?.[1];
      return {
        url: args.find((arg) => /^https?:\/\//.test(arg)),
        authorization:
          given === `\${${AUTH_VARIABLE}}` ? text(record(entry.env)?.[AUTH_VARIABLE]) : given,
      };
    },
  },
  // code.claude.com/docs/en/mcp, "MCP installation scopes": user scope is the top-level
  // `mcpServers` of ~/.claude.json, project scope `.mcp.json` at the project's root; a remote
  // server is `type: "http"` with `url` and `headers`.
  "claude-code": {
    id: "claude-code",
    name: "Claude Code",
    serversKey: "mcpServers",
    jsonc: false,
    userFile: (place) =>
      pathFor(place.platform).join(homeDir(place.env, place.platform), ".claude.json"),
    projectFile: [".mcp.json"],
    ...remoteEntry("url", { type: "http" }),
  },
  // cursor.com/docs/mcp: ~/.cursor/mcp.json for every project, .cursor/mcp.json for one;
  // `mcpServers`, a remote server by `url` with `headers`.
  cursor: {
    id: "cursor",
    name: "Cursor",
    serversKey: "mcpServers",
    jsonc: false,
    userFile: (place) =>
      pathFor(place.platform).join(homeDir(place.env, place.platform), ".cursor", "mcp.json"),
    projectFile: [".cursor", "mcp.json"],
    ...remoteEntry("url"),
  },
  // code.visualstudio.com/docs/copilot/reference/mcp-configuration: mcp.json in the user
  // profile or .vscode/mcp.json in a workspace, servers under `servers`, `type: "http"` with
  // `url` and `headers`. The profile is the User folder of the settings
  // (code.visualstudio.com/docs/getstarted/settings, "Settings file locations"): %APPDATA%\Code\User,
  // ~/Library/Application Support/Code/User, ~/.config/Code/User. VS Code reads it as JSONC.
  vscode: {
    id: "vscode",
    name: "VS Code",
    serversKey: "servers",
    jsonc: true,
    userFile: (place) =>
      pathFor(place.platform).join(
        userAppDataDir(place.env, place.platform),
        "Code",
        "User",
        "mcp.json",
      ),
    projectFile: [".vscode", "mcp.json"],
    ...remoteEntry("url", { type: "http" }),
  },
  // docs.windsurf.com/windsurf/cascade/mcp: ~/.codeium/windsurf/mcp_config.json (Windsurf has
  // no project file), `mcpServers`, a remote HTTP server by `serverUrl` with `headers`.
  windsurf: {
    id: "windsurf",
    name: "Windsurf",
    serversKey: "mcpServers",
    jsonc: false,
    userFile: (place) =>
      pathFor(place.platform).join(
        homeDir(place.env, place.platform),
        ".codeium",
        "windsurf",
        "mcp_config.json",
      ),
    ...remoteEntry("serverUrl"),
  },
};

/**
 * The file a client reads: inside `project` for its project scope, else the user-wide one.
 * Throws ClientConfigError for a project given to a client that reads no project file.
 */
export function clientConfigPath(
  client: McpClient,
  place: ClientPlace,
  project: string | null,
): string {
  if (project === null) return client.userFile(place);
  if (!client.projectFile) {
    throw new ClientConfigError(
      `${client.name} reads no project file, only ${client.userFile(place)}: leave out the project`,
    );
  }
  return pathFor(place.platform).join(project, ...client.projectFile);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
