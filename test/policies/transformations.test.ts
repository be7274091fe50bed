import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { route, waitFor } from "../relay/harness";
import { check, mcp, problemsOf } from "./config-files";
import {
  backendPolicies,
  httpTarget,
  postInitialize,
  headerRecorders,
  startShapingGateway as start,
  toolNames,
  type HeaderRecordingTarget,
  type ShapingGateway as Running,
} from "./shaping-harness";

// transformations: request and answer headers whose values CEL computes once per request, from
// the caller's claims and the request, on every attachment point agentgateway has them; the
// body, replace and metadata parts are refused, saying why.

let idp: TestIssuer;
let alice: string;
beforeAll(async () => {
  idp = await testIssuer();
  alice = await idp.sign({ sub: "alice", team: "dev" });
});
const jwtAuth = () => ({ issuer: idp.issuer, jwks: JSON.stringify(idp.jwks) });

const DOCUMENTED: Record<string, string> = {
  "transformations, route level": `    transformations:
      request:
        add:
          x-request-path: request.path
          x-client-ip: source.address
      response:
        add:
          x-response-code: 'string(response.code)'
        remove:
        - server
        - x-content-type-options`,
  "transformations, listener level": `    transformations:
      request:
        add:
          x-gateway: '"agentgateway"'`,
  "transformations, conditional": `    transformations:
      conditional:
      - condition: request.headers["x-internal"] == "true"
        request:
          add:
            x-trace-source: '"internal"'`,
};

describe("transformations", () => {
  const recorders = headerRecorders();
  const recorder = recorders.start;
  let gw: Running | undefined;
  afterEach(async () => {
    await gw?.close();
    await recorders.closeAll();
  });

  it("on a route: headers from the caller's claims, for later rules, the targets and the answers", async () => {
    const target = await recorder();
    gw = await start([
      route(
        { targets: [httpTarget("a", target)] },
        {
          policies: {
            jwtAuth: jwtAuth(),
            transformations: {
              request: { set: { "x-user": "jwt.sub", "x-asked": "request.path" } },
              response: {
                set: { "x-response-code": "string(response.code)", "x-caller": "jwt.sub" },
              },
            },
            // A caller's own x-user cannot stand: it is the token's subject, or it is gone.
            mcpAuthorization: { rules: [{ deny: 'request.headers["x-user"] == "mallory"' }] },
          },
        },
      ),
    ]);
    const asAlice = { Authorization: `Bearer ${alice}`, "x-user": "mallory" };
    const answer = await postInitialize(gw.url, asAlice);
    expect(answer.status).toBe(200);
    expect(answer.headers["x-response-code"]).toBe("200");
    expect(answer.headers["x-caller"]).toBe("alice");
    expect(await toolNames(gw.url, asAlice)).toEqual(["echo"]);
    const posts = target.posts();
    expect(posts.length).toBeGreaterThan(0);
    for (const post of posts) {
      expect(post.headers["x-user"]).toBe("alice");
      expect(post.headers["x-asked"]).toBe("/mcp");
    }
    // Without a token jwt.sub fails: the header is removed, not left as the caller wrote it.
    expect(await toolNames(gw.url, { "x-user": "mallory" })).toEqual(["echo"]);
    const anonymous = await postInitialize(gw.url, { "x-user": "mallory" });
    expect(anonymous.headers["x-caller"]).toBeUndefined();
  });

  it("on a listener, a backend (conditional) and a target", async () => {
    const [a, b] = [await recorder("a"), await recorder("b")];
    gw = await start(
      [
        route(
          {
            targets: [
              httpTarget("a", a),
              httpTarget("b", b, {
                transformations: { request: { set: { "x-team": "jwt.team" } } },
              }),
            ],
            policies: backendPolicies({
              transformations: {
                conditional: [
                  {
                    condition: 'request.headers["x-internal"] == "true"',
                    request: { add: { "x-trace-source": '"internal"' } },
                  },
                ],
              },
            }),
          },
          { policies: { jwtAuth: jwtAuth() } },
        ),
      ],
      [
        {
          attachment: "listener",
          path: ["listener", "policies"],
          policies: { transformations: { request: { add: { "x-gateway": '"gatehouse"' } } } },
        },
      ],
    );
    await toolNames(gw.url, { Authorization: `Bearer ${alice}`, "x-internal": "true" });
    await waitFor("both targets to be asked", () => a.posts().length > 0 && b.posts().length > 0);
    const last = (target: HeaderRecordingTarget) => target.posts().at(-1)?.headers ?? {};
    expect(last(a)).toMatchObject({ "x-gateway": "gatehouse", "x-trace-source": "internal" });
    expect(last(a)["x-team"]).toBeUndefined();
    expect(last(b)).toMatchObject({ "x-gateway": "gatehouse", "x-team": "dev" });

    const before = a.posts().length;
    await toolNames(gw.url, { Authorization: `Bearer ${alice}` });
    const later = a.posts().slice(before);
    expect(later.length).toBeGreaterThan(0);
    for (const post of later) expect(post.headers["x-trace-source"]).toBeUndefined();
  });
});

describe("as a config file writes it", () => {
  for (const [page, policies] of Object.entries(DOCUMENTED)) {
    it(`loads agentgateway's documented example: ${page}`, async () => {
      const { warnings } = await check(mcp(policies));
      expect(warnings).toEqual([]);
    });
  }

  it("refuses a body transformation, saying why", async () => {
    const problems = await problemsOf(
      mcp(`    transformations:
      request:
        body: |
          "Hello " + default(request.headers["x-user-name"], "guest")
      response:
        body: |
          "Response code: " + string(response.code)`),
    );
    expect(problems.map((p) => p.path)).toEqual([
      "mcp.policies.transformations.request.body",
      "mcp.policies.transformations.response.body",
    ]);
    expect(problems[0]?.message).toContain("JSON-RPC");
    expect(problems[0]).toMatchObject({ line: 7 });
  });
  it("CEL that does not compile fails the load at its key", async () => {
    const problems = await problemsOf(
      mcp(`    transformations:
      request:
        set:
          x-user: "jwt.sub +"`),
    );
    expect(problems[0]?.path).toBe("mcp.policies.transformations.request.set.x-user");
    expect(problems[0]?.message).toContain("syntax error");
  });
  it("refuses pseudo-headers, replace and metadata", async () => {
    const problems = await problemsOf(
      mcp(`    transformations:
      request:
        set:
          ":path": '"/x"'
        replace: "{}"
        metadata:
          team: jwt.team`),
    );
    const byPath = new Map(problems.map((p) => [p.path, p.message]));
    expect([...byPath.keys()].sort()).toEqual([
      "mcp.policies.transformations.request.metadata",
      "mcp.policies.transformations.request.replace",
      "mcp.policies.transformations.request.set.:path",
    ]);
    expect(byPath.get("mcp.policies.transformations.request.set.:path")).toContain("pseudo-header");
  });
});
