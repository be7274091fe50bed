import { writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { runNode22Tool } from "../node22-tools/run";
import {
  freePort,
  killAll,
  removeTemps,
  start,
  waitFor,
  writeTemp,
  type Running,
} from "../cli/helpers";
import { startEverythingHttp } from "../relay/harness";
import {
  agentgatewayJwtPolicy,
  gatewayResource,
  glooJwtPolicy,
  httpRouteResource,
  mcpBackendResource,
  resourceSet,
} from "./guide-resources";

/**
 * agentgateway's "Secure access to MCP servers" guide, with its Kubernetes resources served
 * as they are (`gatehouse -f resources.yaml`): a Gateway, the MCP backend and its HTTPRoute at
 * /mcp-github, and the JWT policy written as an AgentgatewayPolicy, or as the older
 * GlooTrafficPolicy. Tokens have the guide's shape (iss solo.io, sub, exp, nbf, iat, kid),
 * minted here with a key of our own.
 */
const POLICY_FORMS = {
  AgentgatewayPolicy: agentgatewayJwtPolicy,
  GlooTrafficPolicy: glooJwtPolicy,
};
const NAMESPACE = "agentgateway-system";

describe.each(Object.keys(POLICY_FORMS) as (keyof typeof POLICY_FORMS)[])(
  "the Secure access to MCP servers guide, served from its resources (%s)",
  (form) => {
    let issuer: TestIssuer;
    let upstream: Awaited<ReturnType<typeof startEverythingHttp>>;
    let gatehouse: Running;
    let file: string;
    let port: number;
    let upstreamUrl: URL;
    let alice: string;
    let bob: string;
    const clients: Client[] = [];

    const write = (rule?: string) =>
      resourceSet(
        gatewayResource(port, NAMESPACE),
        mcpBackendResource({ name: "github-mcp-backend", url: upstreamUrl, namespace: NAMESPACE }),
        httpRouteResource({
          name: "mcp-github",
          path: "/mcp-github",
          backend: "github-mcp-backend",
          namespace: NAMESPACE,
        }),
        POLICY_FORMS[form]({
          target: { kind: "Gateway" },
          issuer: "solo.io",
          jwks: JSON.stringify(issuer.jwks),
          rule,
          namespace: NAMESPACE,
        }),
      );

    beforeAll(async () => {
      issuer = await testIssuer("solo.io", "RS256", "5891645032159894383");
      const nbf = Math.floor(Date.now() / 1000);
      alice = await issuer.sign({ sub: "alice", nbf });
      bob = await issuer.sign({ sub: "bob", nbf });
      upstream = await startEverythingHttp("streamableHttp");
      upstreamUrl = new URL(upstream.url);
      port = await freePort();
      file = writeTemp("guide.yaml", write());
      gatehouse = start(["-f", file]);
      await waitFor(
        "the gateway to answer",
        async () => {
          if (gatehouse.child.exitCode !== null) {
            throw new Error(`gatehouse exited:\n${gatehouse.stderr}`);
          }
          return (await initialize().catch(() => undefined)) !== undefined;
        },
        30_000,
      );
    }, 60_000);

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await killAll();
      upstream?.stop();
      removeTemps();
    });

    /** The MCP Inspector's first request, as the guide sends it; status and body as seen. */
    async function initialize(token?: string): Promise<{ status: number; body: string }> {
      const response = await fetch(`http://127.0.0.1:${port}/mcp-github`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2024-11-05",
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2024-11-05",
            capabilities: {},
            clientInfo: { name: "guide", version: "1" },
          },
        }),
      });
      return { status: response.status, body: await response.text() };
    }

    async function toolsAs(token: string): Promise<string[]> {
      const client = new Client({ name: "guide", version: "1" });
      const url = new URL(`http://127.0.0.1:${port}/mcp-github`);
      const requestInit = { headers: { Authorization: `Bearer ${token}` } };
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit }));
      clients.push(client);
      return (await client.listTools()).tools.map((tool) => tool.name);
    }

    it("without a token: 401, no bearer token found", async () => {
      expect(await initialize()).toEqual({
        status: 401,
        body: "authentication failure: no bearer token found",
      });
    });

    it("with abcdefg for a token: 401, the token is malformed", async () => {
      const { status, body } = await initialize("abcdefg");
      expect(status).toBe(401);
      expect(body).toMatch(/^authentication failure: the token is invalid or malformed: /);
    });

    /** The guide's MCP Inspector command, with echo in place of GitHub's get_me. */
    const inspectorCall = (...headers: string[]) =>
      runNode22Tool(
        "inspector",
        [
          ...["--cli", `http://127.0.0.1:${port}/mcp-github`, "--transport", "http"],
          ...["--header", "mcp-protocol-version: 2024-11-05"],
          ...["--method", "tools/call", "--tool-name", "echo", "--tool-arg", "message=hi"],
          ...headers.flatMap((header) => ["--header", header]),
        ],
        { timeoutMs: 60_000 },
      );

    it("the guide's MCP Inspector command: refused without a token, answered with alice's", async () => {
      // The guide's Inspector printed the 401 body; this one meets the Bearer challenge and
      // says it would need an OAuth sign-in, which it cannot do without a terminal.
      const refused = await inspectorCall();
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain("auth_required");
      const answered = await inspectorCall(`Authorization: Bearer ${alice}`);
      expect(answered.code, answered.stderr).toBe(0);
      expect(JSON.parse(answered.stdout)).toMatchObject({
        content: [{ type: "text", text: expect.stringContaining("hi") }],
      });
    }, 150_000);

    it("alice and bob both get in and see the tools", async () => {
      expect(await toolsAs(alice)).toContain("echo");
      expect(await toolsAs(bob)).toContain("echo");
    });

    it('after jwt.sub == "alice" is added: bob 403 authorization failed, alice 200', async () => {
      writeFileSync(file, write('jwt.sub == "alice"'));
      await waitFor(
        "the reloaded resources to refuse bob",
        async () => {
          return (await initialize(bob)).status === 403;
        },
        30_000,
      );
      expect(await initialize(bob)).toEqual({ status: 403, body: "authorization failed" });
      expect(await initialize(alice)).toMatchObject({ status: 200 });
      expect(await toolsAs(alice)).toContain("echo");
    }, 60_000);
  },
);
