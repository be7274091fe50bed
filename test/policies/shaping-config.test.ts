import { describe, expect, it } from "vitest";
import type { ConfigProblem } from "../../src/main/config/problems";
import { check, mcp, problemsOf } from "./config-files";

// The shaping policies as a config file writes them: agentgateway's documented examples load
// (the `mcp:` forms of its docs pages on header manipulation, redirects, rewrites and CSRF),
// and what Gatehouse cannot honour in front of MCP is refused at its key, saying why.

const DOCUMENTED: Record<string, string> = {
  "header manipulation": `    requestHeaderModifier:
      add:
        x-req-added: value
      remove:
      - x-remove-me`,
  redirects: `    requestRedirect:
      scheme: https
      authority:
        full: example.com
      path:
        full: /new-path
      status: 307`,
  rewrites: `    urlRewrite:
      authority:
        full: example.com
      path:
        full: /new-path`,
  csrf: `    csrf:
      additionalOrigins:
      - "https://www.example.com"
      - "https://trusted.domain.com"`,
  "csrf, strict": `    csrf:
      additionalOrigins: []`,
};

describe("agentgateway's documented examples", () => {
  for (const [page, policies] of Object.entries(DOCUMENTED)) {
    it(`load: ${page}`, async () => {
      const { warnings } = await check(mcp(policies));
      expect(warnings).toEqual([]);
    });
  }

  it("refuse requestMirror: it would run every tool call twice", async () => {
    const problems = await problemsOf(
      mcp(`    requestMirror:
      backend:
        host: localhost:8080
      # Mirror 50% of requests
      percentage: 0.5`),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("mcp.policies.requestMirror");
    expect(problems[0]?.message).toContain("runs every tool call a second time");
  });
});

describe("header modifiers refuse what would break the MCP transport", () => {
  const refused = async (policies: string) => {
    const problems = await problemsOf(mcp(policies));
    expect(problems).toHaveLength(1);
    return problems[0] as ConfigProblem;
  };

  it("a second Authorization header", async () => {
    const problem = await refused(`    requestHeaderModifier:
      add:
        Authorization: Bearer sneaky`);
    expect(problem.path).toBe("mcp.policies.requestHeaderModifier.add.Authorization");
    expect(problem.message).toContain("use set");
  });

  it("the session, the protocol version and the other headers the transport owns", async () => {
    for (const [where, name] of [
      ["set", "Mcp-Session-Id"],
      ["set", "mcp-protocol-version"],
      ["add", "Mcp-Param-Region"],
      ["set", "content-type"],
      ["set", "Host"],
    ]) {
      const problem = await refused(`    requestHeaderModifier:
      ${where}:
        ${name}: x`);
      expect(problem.message).toMatch(/belongs to the MCP transport|urlRewrite/);
    }
    const removal = await refused(`    responseHeaderModifier:
      remove: [mcp-session-id]`);
    expect(removal.path).toBe("mcp.policies.responseHeaderModifier.remove[0]");
    expect(removal.message).toContain("session ids");
  });

  it("names and values a header cannot have", async () => {
    expect(
      (
        await refused(`    requestHeaderModifier:
      set:
        "bad name": x`)
      ).message,
    ).toBe('"bad name" is not a valid header name');
    expect(
      (
        await refused(`    responseHeaderModifier:
      set:
        x-split: "one\\r\\ntwo"`)
      ).message,
    ).toContain("line breaks");
    expect(
      (
        await refused(`    responseHeaderModifier:
      set:
        transfer-encoding: chunked`)
      ).message,
    ).toContain("cannot be set by a policy");
  });
});

describe("redirects and rewrites", () => {
  it("a prefix redirect on a route matched by exact paths only", async () => {
    const problems = await problemsOf(`binds:
- port: 3000
  listeners:
  - routes:
    - matches:
      - path: { exact: /mcp }
      policies:
        requestRedirect:
          path: { prefix: /v2 }
      backends:
      - mcp:
          targets:
          - name: everything
            stdio: { cmd: npx }
`);
    expect(problems[0]?.path).toBe(
      "binds[0].listeners[0].routes[0].policies.requestRedirect.path.prefix",
    );
    expect(problems[0]?.message).toContain("exact paths only");
  });

  it("a status or authority that is not one", async () => {
    const problems = await problemsOf(
      mcp(`    requestRedirect:
      authority: { full: "https://example.com/x" }
      status: 1000`),
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      "mcp.policies.requestRedirect.authority.full",
      "mcp.policies.requestRedirect.status",
    ]);
    expect(problems[0]?.message).toBe('expected "host" or "host:port"');
  });

  it("urlRewrite: a prefix path and authority none have no meaning toward MCP targets", async () => {
    const problems = await problemsOf(
      mcp(`    urlRewrite:
      authority: none
      path: { prefix: /v2 }`),
    );
    expect(problems.map((p) => p.path)).toEqual([
      "mcp.policies.urlRewrite.authority",
      "mcp.policies.urlRewrite.path.prefix",
    ]);
    expect(problems[1]?.message).toContain("address of its own");
  });
});

describe("csrf", () => {
  it("csrf warns of an additional origin no request can have", async () => {
    const { warnings } = await check(
      mcp(`    csrf:
      additionalOrigins: ["https://app.example.com/"]`),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("not an origin");
  });
});
