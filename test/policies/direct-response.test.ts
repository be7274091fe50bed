import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../raw-http";
import { route } from "../relay/harness";
import { check, mcp, problemsOf } from "./config-files";
import {
  httpTarget,
  startHeaderRecordingTarget,
  startShapingGateway as start,
  toolNames,
  type HeaderRecordingTarget,
  type ShapingGateway as Running,
} from "./shaping-harness";

// directResponse: answers in place of the targets, with its body and headers computed by CEL
// where the config says so, and agentgateway's conditional form.

const DOCUMENTED: Record<string, string> = {
  "direct response": `    directResponse:
      body: "Not found!"
      status: 404`,
  "direct response, conditional": `    directResponse:
      conditional:
      - condition: request.path.startsWith("/v0/")
        status: 410
        body: "This API version is no longer available. Use /v1/."`,
};

describe("directResponse", () => {
  let target: HeaderRecordingTarget;
  let gw: Running;
  beforeAll(async () => {
    target = await startHeaderRecordingTarget();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        {
          name: "gone",
          paths: [{ kind: "prefix", value: "/gone" }],
          // agentgateway's documented example.
          policies: { directResponse: { body: "Not found!", status: 404 } },
        },
      ),
      route(
        { targets: [httpTarget("a", target)] },
        {
          name: "versions",
          policies: {
            directResponse: {
              conditional: [
                {
                  condition: 'request.path.startsWith("/v0/")',
                  status: 410,
                  bodyExpression: '"nothing at " + request.path',
                  headers: { "x-asked": "request.path", "x-broken": "jwt.sub" },
                },
              ],
            },
          },
        },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it("answers with the configured status and body, and no target hears of it", async () => {
    const answer = await rawRequest(`${gw.origin}/gone/mcp`, { method: "POST", body: "{}" });
    expect(answer).toMatchObject({ status: 404, body: "Not found!" });
    expect(target.arrived).toEqual([]);
  });

  it("conditional: answers where its CEL condition holds, computing body and headers", async () => {
    const answer = await rawRequest(`${gw.origin}/v0/mcp`);
    expect(answer.status).toBe(410);
    expect(answer.body).toBe("nothing at /v0/mcp");
    expect(answer.headers["x-asked"]).toBe("/v0/mcp");
    // A header whose expression fails (no token, no jwt.sub) is left out, as in agentgateway.
    expect(answer.headers["x-broken"]).toBeUndefined();
    // Elsewhere the route serves MCP as usual.
    expect(await toolNames(gw.url)).toEqual(["echo"]);
  });
});

describe("as a config file writes it", () => {
  for (const [page, policies] of Object.entries(DOCUMENTED)) {
    it(`loads agentgateway's documented example: ${page}`, async () => {
      const { warnings } = await check(mcp(policies));
      expect(warnings).toEqual([]);
    });
  }

  it("needs a status; body and bodyExpression exclude each other", async () => {
    expect(
      (await problemsOf(mcp(`    directResponse: { body: "hello" }`))).map((p) => p.message),
    ).toEqual(["is required, but missing"]);
    const both = await problemsOf(
      mcp(`    directResponse: { status: 200, body: "a", bodyExpression: '"b"' }`),
    );
    expect(both[0]).toMatchObject({
      path: "mcp.policies.directResponse.bodyExpression",
      message: "body and bodyExpression may not both be set",
    });
  });

  it("conditional: settings go in the entries, and the fallback comes last", async () => {
    const beside = await problemsOf(
      mcp(`    directResponse:
      status: 404
      conditional:
      - { condition: "true", status: 410 }`),
    );
    expect(beside[0]).toMatchObject({
      path: "mcp.policies.directResponse.status",
      message: "with conditional, every setting goes in its entries",
    });
    const early = await problemsOf(
      mcp(`    directResponse:
      conditional:
      - { status: 200 }
      - { condition: 'request.path == "/x"', status: 410 }`),
    );
    expect(early[0]?.path).toBe("mcp.policies.directResponse.conditional[0]");
    expect(early[0]?.message).toContain("fallback");
  });
});
