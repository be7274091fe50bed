import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UiApi } from "../../src/shared/ui-api";
import { startAppUnderTest, type AppUnderTest } from "./app-harness";
import type { AccessMatrix } from "../../src/shared/ui-api";
import { EVERYTHING } from "../relay/harness";

const target = `      backends:
      - mcp:
          targets:
          - name: everything
            stdio: { cmd: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING)}, stdio] }
`;

/** Two routes on one listener: one takes the keystore's tokens, one wants another audience. */
const config = (port: number, jwks: string) => `binds:
- port: ${port}
  listeners:
  - routes:
    - name: ours
      matches:
      - path: { exact: /mcp }
      policies:
        jwtAuth:
          mode: strict
          issuer: gatehouse.local
          audiences: [gatehouse]
          jwks: { file: ${jwks} }
        authorization:
          rules:
          - deny: 'jwt.sub == "carol"'
        mcpAuthorization:
          rules:
          - 'mcp.tool.name == "echo"'
          - allow: '"writer" in jwt.roles && mcp.tool.name == "get-sum"'
${target}    - name: theirs
      matches:
      - path: { exact: /theirs }
      policies:
        jwtAuth:
          mode: strict
          issuer: gatehouse.local
          audiences: [elsewhere]
          jwks: { file: ${jwks} }
${target}`;

const AUDIENCE_REFUSED =
  'the token audience "gatehouse" is not accepted (expected one of: elsewhere)';

describe("the access matrix and token inspector, explained by the gateway", () => {
  let app: AppUnderTest;
  let backend: UiApi;
  let port: number;

  beforeAll(async () => {
    app = await startAppUnderTest(
      [
        { name: "alice", claims: { sub: "alice", roles: ["writer"] } },
        { name: "bob", claims: { sub: "bob", roles: [] } },
        { name: "carol", claims: { sub: "carol", roles: ["writer"] } },
      ],
      config,
    );
    backend = app.gatehouse.api;
    port = app.port;
  }, 30_000);
  afterAll(() => app?.stop());

  /** What the real gateway lets a token do on a route: the tools it lists, or its refusal. */
  async function realAccess(path: string, token: string): Promise<string[] | string> {
    const client = new Client({ name: "access-matrix-test", version: "1" });
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${port}${path}`),
      { requestInit: { headers: { Authorization: `Bearer ${token}` } } },
    );
    try {
      await client.connect(transport);
      return (await client.listTools()).tools.map((tool) => tool.name).sort();
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.close();
    }
  }

  const cell = (matrix: AccessMatrix | undefined, identity: string, tool: string) =>
    matrix?.cells[matrix.identities.indexOf(identity)]?.[
      matrix.tools.findIndex((t) => t.name === tool)
    ];

  it("refuses every tool where jwtAuth refuses the audience, and gives the rules elsewhere", async () => {
    const [ours, theirs] = await backend.accessMatrix();
    expect(ours?.route).toBe("ours");
    expect(theirs?.route).toBe("theirs");
    expect(theirs?.tools.length).toBeGreaterThan(1);
    for (const row of theirs?.cells ?? []) {
      for (const refused of row) {
        expect(refused).toEqual({ allowed: false, reason: `jwtAuth: ${AUDIENCE_REFUSED}` });
      }
    }
    expect(cell(ours, "alice", "get-sum")).toEqual({
      allowed: true,
      reason: 'allowed by rule 2: "writer" in jwt.roles && mcp.tool.name == "get-sum"',
    });
    expect(cell(ours, "bob", "echo")).toEqual({
      allowed: true,
      reason: 'allowed by rule 1: mcp.tool.name == "echo"',
    });
    expect(cell(ours, "bob", "get-sum")).toEqual({
      allowed: false,
      reason: "no allow rule matched",
    });
    expect(cell(ours, "carol", "echo")).toEqual({
      allowed: false,
      reason: 'authorization: denied by rule 1: jwt.sub == "carol"',
    });
  });

  it("agrees with what the real gateway does with a token minted for each identity", async () => {
    const matrices = await backend.accessMatrix();
    for (const matrix of matrices) {
      const path = matrix.route === "ours" ? "/mcp" : "/theirs";
      for (const [i, identity] of matrix.identities.entries()) {
        const { token } = await backend.mintToken(identity, null, "5m");
        const real = await realAccess(path, token);
        const allowed = matrix.tools.filter((_, t) => matrix.cells[i]?.[t]?.allowed);
        if (allowed.length > 0) {
          expect(real, `${identity} on ${matrix.route}`).toEqual(
            allowed.map((t) => t.exposed).sort(),
          );
          continue;
        }
        // Refused before any tool: the gateway's answer carries the matrix's reason.
        const reason = matrix.cells[i]?.[0]?.reason.replace(/^\w+: /, "") ?? "";
        const expected = reason.startsWith("denied") ? "authorization failed" : reason;
        expect(real, `${identity} on ${matrix.route}`).toContain(expected);
      }
    }
  });

  it("inspects a real token with the routes' own authenticators, through the same explanation", async () => {
    const { token } = await backend.mintToken("bob", null, "5m");
    const inspection = await backend.inspectToken(token);
    expect(inspection.claims).toMatchObject({ sub: "bob", aud: "gatehouse" });
    expect(inspection.verdicts).toEqual([
      { route: expect.stringMatching(/\/ours$/), accepted: true, issuer: "gatehouse.local" },
      { route: expect.stringMatching(/\/theirs$/), accepted: false, reason: AUDIENCE_REFUSED },
    ]);
    const tampered = `${token.slice(0, -4)}AAAA`;
    const [ours] = (await backend.inspectToken(tampered)).verdicts;
    expect(ours).toMatchObject({ accepted: false, reason: "the token signature is invalid" });
  });

  it("tells the playground the rule that refused it, which the gateway's 403 leaves out", async () => {
    await expect(backend.connectPlayground({ identity: "carol" })).rejects.toThrow(
      'HTTP 403: authorization failed (authorization: denied by rule 1: jwt.sub == "carol")',
    );
    // A 401 already says why: nothing is added to it.
    await expect(backend.connectPlayground({ anonymous: true })).rejects.toThrow(
      /HTTP 401: authentication failure: no bearer token found$/,
    );
  });
});
