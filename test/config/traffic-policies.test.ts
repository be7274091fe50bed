import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfigFile } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import { ConfigError } from "../../src/main/config/problems";
import { problemsOf } from "./expect-problems";

const TARGETS = `  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`;

/** An `mcp:` config with these policies, as agentgateway's documentation writes them. */
const mcpWith = (policies: string) => `mcp:
  port: 3000
  policies:
${policies}${TARGETS}`;

const routePolicies = (yaml: string, env: NodeJS.ProcessEnv = {}) =>
  parseConfig(yaml, "config.yaml", env).gateway.listeners[0]?.routes[0]?.policies;

describe("agentgateway's documented traffic and backend policy examples load as written (Simplified MCP)", () => {
  it("rate limiting: localRateLimit with type requests", () => {
    const yaml = mcpWith(`    localRateLimit:
    - maxTokens: 10
      tokensPerFill: 1
      fillInterval: 60s
      type: requests
`);
    expect(routePolicies(yaml)?.localRateLimit).toEqual([
      { maxTokens: 10, tokensPerFill: 1, fillInterval: "60s", type: "requests" },
    ]);
  });

  it("retries", () => {
    const yaml = mcpWith(`    retry:
      # total number of attempts allowed.
      attempts: 3
      backoff: 500ms
      codes: [429, 500, 503]
`);
    expect(routePolicies(yaml)?.retry).toEqual({
      attempts: 3,
      backoff: "500ms",
      codes: [429, 500, 503],
    });
  });

  it("timeouts", () => {
    const yaml = mcpWith(`    timeout:
      requestTimeout: 1s
`);
    expect(routePolicies(yaml)?.timeout).toEqual({ requestTimeout: "1s" });
  });

  it("fault injection: a fixed delay", () => {
    const yaml = mcpWith(`    delay:
      duration: 2s
`);
    expect(routePolicies(yaml)?.delay).toEqual({ duration: "2s" });
  });

  it("backend TLS", () => {
    const yaml = mcpWith(`    backendTLS:
      # A file containing the root certificate to verify.
      root: ./certs/root-cert.pem
      cert: ./certs/cert.pem
      key: ./certs/key.pem
      # insecureHost: true
      # insecure: true
`);
    expect(routePolicies(yaml)?.backendTLS).toEqual({
      root: "./certs/root-cert.pem",
      cert: "./certs/cert.pem",
      key: "./certs/key.pem",
    });
  });

  it("backend authentication: a static key from the environment, and the other key forms", () => {
    const yaml = mcpWith(`    backendAuth:
      key:
        value: $MY_API_KEY
`);
    expect(routePolicies(yaml, { MY_API_KEY: "dummy" })?.backendAuth).toEqual({
      key: { value: "dummy" },
    });
    for (const key of [
      "key: plain-key",
      "key: { file: /path/to/my/key }",
      "key: { value: { file: /path/to/my/key } }",
      "key: { value: k, location: { header: { name: authorization, prefix: 'Bearer ' } } }",
      "key: { value: k, location: { queryParameter: { name: api_key } } }",
      "key: { value: k, location: { cookie: { name: api_key } } }",
      "passthrough: {}",
      "passthrough: { location: { header: { name: authorization, prefix: 'Bearer ' } } }",
    ]) {
      expect(() => routePolicies(mcpWith(`    backendAuth:\n      ${key}\n`))).not.toThrow();
    }
  });
});

describe("what Gatehouse refuses among them, saying why", () => {
  const problem = (policies: string) => problemsOf(mcpWith(policies));

  it('localRateLimit type "tokens" (LLM tokens), as in the documented 5000-tokens-an-hour example', () => {
    expect(
      problem(`    localRateLimit:
    - maxTokens: 5000
      tokensPerFill: 5000
      fillInterval: 1h
      type: tokens
    - maxTokens: 60
      tokensPerFill: 1
      fillInterval: 1s
      type: requests
`),
    ).toEqual([
      'config.yaml:8:13: mcp.policies.localRateLimit[0].type: type "tokens" counts LLM tokens, and Gatehouse relays MCP, not LLM APIs: use type "requests" (the default)',
    ]);
  });

  it("conditional rate limits, and buckets that cannot work", () => {
    expect(
      problem(`    localRateLimit:
      conditional:
      - condition: 'request.method == "POST"'
        maxTokens: 1
        tokensPerFill: 1
        fillInterval: 1s
`),
    ).toEqual([
      "config.yaml:5:7: mcp.policies.localRateLimit: conditional rate limits (CEL conditions picking a limit per request) are not supported by Gatehouse: write a list of limits, which all apply",
    ]);
    expect(
      problem(`    localRateLimit:
    - maxTokens: 1
      tokensPerFill: 5
      fillInterval: 0s
`),
    ).toEqual([
      "config.yaml:6:22: mcp.policies.localRateLimit[0].tokensPerFill: tokensPerFill cannot be more than maxTokens: the bucket never holds more",
      "config.yaml:7:21: mcp.policies.localRateLimit[0].fillInterval: must be longer than 0",
    ]);
  });

  it("timeouts of 0, a delay written as CEL or over 5m, retry conditions", () => {
    expect(problem("    timeout: { requestTimeout: 0s }\n")).toEqual([
      "config.yaml:4:32: mcp.policies.timeout.requestTimeout: must be longer than 0",
    ]);
    expect(problem(`    delay: { duration: "random() < 0.1 ? 500 : 0" }\n`)).toEqual([
      'config.yaml:4:24: mcp.policies.delay.duration: Gatehouse takes a fixed duration here, such as "2s" or "500ms"; a CEL expression (random delays) is not supported',
    ]);
    expect(problem("    delay: { duration: 6m }\n")).toEqual([
      "config.yaml:4:24: mcp.policies.delay.duration: at most 5m: a delay is for testing how clients cope with slow answers",
    ]);
    expect(
      problem(`    retry: { attempts: 2, codes: [503], condition: 'response.code == 200' }\n`),
    ).toEqual([
      "config.yaml:4:52: mcp.policies.retry.condition: retry.condition is not supported by Gatehouse: it retries each request to a target on `codes` and on connection failures, with no CEL",
    ]);
  });

  it("backendTLS: spiffe, a protocol other than HTTP/1.1, a certificate without its key", () => {
    expect(
      problem(`    backendTLS:
      spiffe: {}
      alpn: [h2, http/1.1]
      cert: ./client.pem
`),
    ).toEqual([
      "config.yaml:5:7: mcp.policies.backendTLS.key: cert and key go together: a client certificate needs its key",
      "config.yaml:5:15: mcp.policies.backendTLS.spiffe: backendTLS.spiffe is not supported by Gatehouse: it needs a SPIFFE Workload API, which a standalone gateway does not have; write root, cert and key",
      "config.yaml:6:14: mcp.policies.backendTLS.alpn[0]: Gatehouse speaks HTTP/1.1 to targets, and only it",
    ]);
  });

  it("backendAuth: every kind it lacks by name and why; two kinds at once; a key written two ways", () => {
    const kinds = ["gcp", "aws", "azure", "copilot", "oauthTokenExchange", "crossAppAccess"];
    for (const kind of kinds) {
      const [message] = problem(`    backendAuth:\n      ${kind}: {}\n`);
      expect(message).toContain(
        `mcp.policies.backendAuth.${kind}: backendAuth "${kind}" is not supported by Gatehouse: `,
      );
    }
    expect(problem("    backendAuth: { passthrough: {}, key: k }\n")).toEqual([
      "config.yaml:4:18: mcp.policies.backendAuth: backendAuth takes one of passthrough, key, jwtSign, not passthrough and key",
    ]);
    expect(problem("    backendAuth: { key: { value: k, file: /k } }\n")).toEqual([
      "config.yaml:4:25: mcp.policies.backendAuth.key: key is the key itself, {file: <path>}, or {value: <key or {file}>, location}",
    ]);
    expect(
      problem(
        `    backendAuth: { key: { value: k, location: { expression: 'request.headers["x"]' } } }\n`,
      ),
    ).toEqual([
      "config.yaml:4:25: mcp.policies.backendAuth.key: location.expression: an expression can read a credential, not write one: write header, queryParameter or cookie",
    ]);
  });
});

describe("files the policies name are read and checked when the config loads", () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-traffic-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = async (policies: string) => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, mcpWith(policies));
    const error = await checkConfigFile(file, { cwd: dir }).then(
      () => undefined,
      (e: unknown) => e as ConfigError,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(
      (p) => `${p.line}:${p.col}: ${p.path}: ${p.message.replaceAll(dir, "<dir>")}`,
    );
  };

  it("a missing or unusable backendTLS file, and a key exchange group this OpenSSL lacks", async () => {
    writeFileSync(join(dir, "not-a-cert.pem"), "hello\n");
    expect(await check("    backendTLS: { root: ./missing.pem }\n")).toEqual([
      '4:25: mcp.policies.backendTLS.root: cannot read "<dir>/missing.pem" (ENOENT)',
    ]);
    expect(await check("    backendTLS: { root: ./not-a-cert.pem }\n")).toEqual([
      "4:25: mcp.policies.backendTLS.root: the file holds no PEM certificate to trust",
    ]);
    const [groups] = await check(
      "    backendTLS: { keyExchangeGroups: [X25519, X25519_MLKEM768] }\n",
    );
    expect(groups).toMatch(
      /^4:\d+: mcp.policies.backendTLS.keyExchangeGroups: this Node's OpenSSL [\d.]+ lacks X25519_MLKEM768$|^undefined$/,
    );
  });

  it("a backendAuth key file that is missing, and a jwtSign key that does not fit its algorithm", async () => {
    expect(await check("    backendAuth: { key: { file: ./no-key } }\n")).toEqual([
      '4:33: mcp.policies.backendAuth.key.file: cannot read "<dir>/no-key" (ENOENT)',
    ]);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "rsa.pem"), rsa.privateKey.export({ format: "pem", type: "pkcs8" }));
    const [problem] = await check(
      "    backendAuth: { jwtSign: { signingKey: { file: ./rsa.pem }, alg: ES256 } }\n",
    );
    expect(problem).toMatch(
      /^4:\d+: mcp.policies.backendAuth.jwtSign.signingKey: not a private key that can sign ES256: /,
    );
  });
});

describe("backendTLS and backendAuth where agentgateway takes them: route, backend, target", () => {
  it("on a route's MCP backend and on one of its targets, each in its own layer", () => {
    const yaml = `binds:
- port: 3000
  listeners:
  - routes:
    - backends:
      - mcp:
          targets:
          - name: remote
            mcp: { host: "https://mcp.example.com/mcp" }
            policies:
              backendAuth: { key: { value: target-key } }
        policies:
          backendTLS: { root: ./ca.pem }
`;
    const [route] = parseConfig(yaml, "config.yaml", {}).gateway.listeners[0]?.routes ?? [];
    expect(route?.backend.policies?.policies.backendTLS).toEqual({ root: "./ca.pem" });
    const [target] = route?.backend.targets ?? [];
    expect(target?.kind !== "stdio" && target?.policies?.policies.backendAuth).toEqual({
      key: { value: "target-key" },
    });
  });

  it("the route-only ones are not taken on a backend", () => {
    const [problem] = problemsOf(`binds:
- port: 3000
  listeners:
  - routes:
    - backends:
      - mcp: { targets: [] }
        policies:
          timeout: { requestTimeout: 1s }
`);
    expect(problem).toContain('backends[0].policies.timeout: unknown key "timeout"');
  });
});

describe("remoteRateLimit", () => {
  it("is refused by name, saying why", () => {
    expect(
      problemsOf(
        mcpWith(`    remoteRateLimit:
      host: localhost:8081
      domain: example.com
      descriptors:
      - entries:
        - key: organization
          value: 'request.headers["x-organization"]'
        type: requests
`),
      ),
    ).toEqual([
      `config.yaml:4:5: mcp.policies.remoteRateLimit: agentgateway feature "remoteRateLimit" is not supported by Gatehouse: it asks an external rate-limit service (Envoy's rate limit service, over gRPC) about every request, and a local gateway has none: use localRateLimit`,
    ]);
  });
});
