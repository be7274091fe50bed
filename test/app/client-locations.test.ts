import { describe, expect, it } from "vitest";
import { ClientConfigError } from "../../src/main/app/clients/client-config-error";
import {
  clientConfigPath,
  MCP_CLIENTS,
  type ClientPlace,
} from "../../src/main/app/clients/mcp-clients";
import type { McpClientId } from "../../src/shared/ui-api";

// Where each client's file is, on each OS, as a function of the platform and the environment
// alone: so every OS's rule is checked on whatever machine runs the tests.
const MAC: ClientPlace = { platform: "darwin", env: { HOME: "/Users/ann" } };
const LINUX: ClientPlace = { platform: "linux", env: { HOME: "/home/ann" } };
const LINUX_XDG: ClientPlace = {
  platform: "linux",
  env: { HOME: "/home/ann", XDG_CONFIG_HOME: "/cfg" },
};
const WINDOWS: ClientPlace = {
  platform: "win32",
  env: { USERPROFILE: "C:\\Users\\ann", APPDATA: "D:\\Roaming", HOME: "/not/this" },
};

const USER_FILES: Record<McpClientId, [ClientPlace, string][]> = {
  "claude-desktop": [
    [MAC, "/Users/ann/Library/Application Support/Claude/claude_desktop_config.json"],
    [LINUX, "/home/ann/.config/Claude/claude_desktop_config.json"],
    [LINUX_XDG, "/cfg/Claude/claude_desktop_config.json"],
    [WINDOWS, "D:\\Roaming\\Claude\\claude_desktop_config.json"],
  ],
  "claude-code": [
    [MAC, "/Users/ann/.claude.json"],
    [LINUX_XDG, "/home/ann/.claude.json"],
    [WINDOWS, "C:\\Users\\ann\\.claude.json"],
  ],
  cursor: [
    [MAC, "/Users/ann/.cursor/mcp.json"],
    [LINUX_XDG, "/home/ann/.cursor/mcp.json"],
    [WINDOWS, "C:\\Users\\ann\\.cursor\\mcp.json"],
  ],
  vscode: [
    [MAC, "/Users/ann/Library/Application Support/Code/User/mcp.json"],
    [LINUX, "/home/ann/.config/Code/User/mcp.json"],
    [LINUX_XDG, "/cfg/Code/User/mcp.json"],
    [WINDOWS, "D:\\Roaming\\Code\\User\\mcp.json"],
  ],
  windsurf: [
    [MAC, "/Users/ann/.codeium/windsurf/mcp_config.json"],
    [LINUX_XDG, "/home/ann/.codeium/windsurf/mcp_config.json"],
    [WINDOWS, "C:\\Users\\ann\\.codeium\\windsurf\\mcp_config.json"],
  ],
};

describe("client config locations", () => {
  for (const [id, cases] of Object.entries(USER_FILES)) {
    for (const [place, expected] of cases) {
      const where = `${place.platform}${place.env.XDG_CONFIG_HOME ? " with XDG_CONFIG_HOME" : ""}`;
      it(`${id} on ${where}: ${expected}`, () => {
        expect(clientConfigPath(MCP_CLIENTS[id as McpClientId], place, null)).toBe(expected);
      });
    }
  }

  it("finds %APPDATA% under the profile when it is not set, and ignores a relative XDG_CONFIG_HOME", () => {
    const windows: ClientPlace = { platform: "win32", env: { USERPROFILE: "C:\\Users\\ann" } };
    expect(clientConfigPath(MCP_CLIENTS.vscode, windows, null)).toBe(
      "C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json",
    );
    const relative: ClientPlace = {
      platform: "linux",
      env: { HOME: "/home/ann", XDG_CONFIG_HOME: "cfg" },
    };
    expect(clientConfigPath(MCP_CLIENTS["claude-desktop"], relative, null)).toBe(
      "/home/ann/.config/Claude/claude_desktop_config.json",
    );
  });

  it("puts project files in the project, and refuses a project for clients without one", () => {
    expect(clientConfigPath(MCP_CLIENTS["claude-code"], LINUX, "/src/app")).toBe(
      "/src/app/.mcp.json",
    );
    expect(clientConfigPath(MCP_CLIENTS.cursor, LINUX, "/src/app")).toBe(
      "/src/app/.cursor/mcp.json",
    );
    expect(clientConfigPath(MCP_CLIENTS.vscode, WINDOWS, "C:\\src\\app")).toBe(
      "C:\\src\\app\\.vscode\\mcp.json",
    );
    for (const id of ["claude-desktop", "windsurf"] as const) {
      expect(() => clientConfigPath(MCP_CLIENTS[id], MAC, "/src/app")).toThrow(ClientConfigError);
    }
    expect(() => clientConfigPath(MCP_CLIENTS.windsurf, MAC, "/src/app")).toThrow(
      "Windsurf reads no project file, only /Users/ann/.codeium/windsurf/mcp_config.json: leave out the project",
    );
  });

  it("reads back the URL and Authorization of each client's entry", () => {
    for (const client of Object.values(MCP_CLIENTS)) {
      const entry = client.entry("http://localhost:3000/mcp", "Bearer abc");
      expect(client.target(entry)).toEqual({
        url: "http://localhost:3000/mcp",
        authorization: "Bearer abc",
      });
    }
    // The Clients page's paste-in form of Claude Desktop's entry, with the header inline.
    const pasted = {
      command: "npx",
      args: ["-y", "mcp-remote", "http://h/mcp", "--header", "Authorization: Bearer xyz"],
    };
    expect(MCP_CLIENTS["claude-desktop"].target(pasted)).toEqual({
      url: "http://h/mcp",
      authorization: "Bearer xyz",
    });
  });
});
