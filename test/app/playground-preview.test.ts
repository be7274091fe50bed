import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UiApi } from "../../src/shared/ui-api";
import { startAppUnderTest, type AppUnderTest } from "./app-harness";
import { fixture } from "../relay/harness";

/**
 * The Playground tells, before the call, whether the gateway would allow it with the arguments
 * typed so far and by which rule: asked through the UI API, then checked against the real call
 * through the gateway. The rules read the caller's claims and the call's arguments together.
 */
const READ_OWN_HOME =
  'mcp.tool.name == "read_file" && mcp.tool.arguments.path.startsWith("/home/" + jwt.sub + "/")';
const WRITE_ETC = 'mcp.tool.name == "write_file" && mcp.tool.arguments.path.startsWith("/etc/")';

const config = (port: number, jwks: string) => `binds:
- port: ${port}
  listeners:
  - routes:
    - name: files
      matches:
      - path: { exact: /mcp }
      policies:
        jwtAuth:
          mode: strict
          issuer: gatehouse.local
          audiences: [gatehouse]
          jwks: { file: ${jwks} }
        mcpAuthorization:
          rules:
          - allow: '${READ_OWN_HOME}'
          - allow: 'mcp.tool.name == "write_file"'
          - deny: '${WRITE_ETC}'
      backends:
      - mcp:
          targets:
          - name: fs
            stdio:
              cmd: ${JSON.stringify(process.execPath)}
              args: [${JSON.stringify(fixture("recording-server.mjs"))}]
              env: { TOOLS: "read_file,write_file" }
`;

describe("the Playground's decision before a call", () => {
  let app: AppUnderTest;
  let backend: UiApi;

  beforeAll(async () => {
    app = await startAppUnderTest([{ name: "alice", claims: { sub: "alice" } }], config);
    backend = app.gatehouse.api;
  }, 30_000);
  afterAll(() => app?.stop());

  it("names the rule that would decide, and the real call agrees", async () => {
    const session = await backend.connectPlayground({ identity: "alice" });
    // Both tools are listed: which calls are allowed depends on their arguments.
    expect(session.tools.map((tool) => tool.name)).toEqual(["read_file", "write_file"]);

    const cases: [string, Record<string, unknown>, object][] = [
      [
        "read_file",
        { path: "/home/alice/notes.txt" },
        { allowed: true, reason: `allowed by rule 1: ${READ_OWN_HOME}`, rule: 1 },
      ],
      [
        "read_file",
        { path: "/home/bob/notes.txt" },
        { allowed: false, reason: "no allow rule matched" },
      ],
      [
        "read_file",
        { path: 7 },
        {
          allowed: false,
          reason: expect.stringMatching(/^no allow rule matched \(rule 1 failed: /),
        },
      ],
      [
        "write_file",
        { path: "/etc/hosts" },
        { allowed: false, reason: `denied by rule 3: ${WRITE_ETC}`, rule: 3 },
      ],
      [
        "write_file",
        { path: "/tmp/a" },
        { allowed: true, reason: 'allowed by rule 2: mcp.tool.name == "write_file"', rule: 2 },
      ],
    ];
    for (const [tool, args, expected] of cases) {
      const preview = await backend.previewToolCall(session.id, tool, args);
      expect(preview, `${tool} ${JSON.stringify(args)}`).toEqual(expected);
      const outcome = await backend.callTool(session.id, tool, args);
      expect(outcome.ok, `${tool} ${JSON.stringify(args)}`).toBe(preview.allowed);
      if (!preview.allowed) expect(outcome.error).toBe(`Unknown tool: ${tool}`);
    }

    await backend.disconnectPlayground(session.id);
    await expect(backend.previewToolCall(session.id, "read_file", {})).rejects.toThrow(
      "this playground session is closed",
    );
  });
});
