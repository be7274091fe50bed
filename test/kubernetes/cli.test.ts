import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { removeTemps, run, writeTemp } from "../cli/helpers";

const RESOURCES = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata: {name: tools}
spec:
  mcp:
    targets:
      - {name: search, static: {host: 127.0.0.1, port: 9000, path: /mcp}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: tools}
spec:
  parentRefs: [{name: proxy}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /tools}}]
      backendRefs: [{group: agentgateway.dev, kind: AgentgatewayBackend, name: tools}]
`;

const POLICY = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata: {name: rbac}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: tools}]
  backend:
    mcp:
      authorization:
        policy: {matchExpressions: ['mcp.tool.name == "echo"']}
`;

afterAll(removeTemps);

describe("gatehouse import k8s", () => {
  it("reads several files as one set and writes a config that checks", async () => {
    const resources = writeTemp("resources.yaml", RESOURCES);
    const policy = join(dirname(resources), "policy.yaml");
    writeFileSync(policy, POLICY);
    const out = join(dirname(resources), "config.yaml");
    const imported = await run([
      "import",
      "k8s",
      "-f",
      resources,
      "-f",
      policy,
      "-o",
      out,
      "--port",
      "4321",
    ]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe(
      `${out}: complete, nothing left to do; then gatehouse check -f ${out}\n`,
    );
    const config = readFileSync(out, "utf8");
    expect(config).toMatch(
      /^# Imported by `gatehouse import k8s` from .*resources\.yaml, .*policy\.yaml\./,
    );
    expect(config).toContain("port: 4321");
    expect(config).toContain('mcp.tool.name == "echo"');
    const checked = await run(["check", "-f", out]);
    expect(checked.stdout).toContain("valid (1 listener(s), 1 route(s))");
  });

  it("lists its TODOs on standard error, and marks each in the config", async () => {
    const selector = RESOURCES.replace(
      "- {name: search, static: {host: 127.0.0.1, port: 9000, path: /mcp}}",
      "- {name: search, static: {host: 127.0.0.1, port: 9000, path: /mcp}}\n      - {name: fetcher, selector: {services: {matchLabels: {app: f}}}}",
    );
    const file = writeTemp("resources.yaml", selector);
    const imported = await run(["import", "k8s", "-f", file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('# TODO: target "fetcher" selects Services by label');
    expect(imported.stderr).toMatch(
      /^the config: 1 TODO, each marked # TODO where it belongs\n {2}TODO: target "fetcher" selects Services by label, .* \(.*resources\.yaml:8:\d+ spec\.mcp\.targets\[1\]\.selector\)\n$/,
    );
  });

  it("does not overwrite a file without --force", async () => {
    const file = writeTemp("resources.yaml", RESOURCES);
    const out = join(dirname(file), "config.yaml");
    writeFileSync(out, "mine\n");
    const refused = await run(["import", "k8s", "-f", file, "-o", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${out} exists: give --force to overwrite it`);
    expect(readFileSync(out, "utf8")).toBe("mine\n");
    expect((await run(["import", "k8s", "-f", file, "-o", out, "--force"])).code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("routes:");
  });

  it("says what is wrong with how it was called", async () => {
    const file = writeTemp("resources.yaml", RESOURCES);
    const cases: [string[], string][] = [
      [["import"], "import needs what to import: gatehouse import k8s"],
      [
        ["import", "helm", "-f", file],
        'gatehouse import knows k8s (Kubernetes resources), not "helm"',
      ],
      [["import", "k8s"], "import k8s needs -f <resources.yaml> (one or more)"],
      [["import", "k8s", "-f", file, "--port", "0"], '--port is a port number, not "0"'],
      [["check", "-f", file, "-f", file], "-f is given once, except to gatehouse import"],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const missing = await run(["import", "k8s", "-f", join(dirname(file), "nope.yaml")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.yaml:1:1: cannot read the resources: file not found");
  });
});

describe("gatehouse export k8s", () => {
  it("writes the config's resources in the namespace and under the gateway named", async () => {
    const config = writeTemp(
      "config.yaml",
      [
        "binds:",
        "  - port: 3500",
        "    listeners:",
        "      - routes:",
        "          - policies:",
        "              mcpAuthorization: {rules: ['mcp.tool.name == \"echo\"']}",
        "            backends:",
        "              - mcp: {targets: [{name: search, mcp: {host: 'http://search:9000/mcp'}}]}",
        "",
      ].join("\n"),
    );
    const out = join(dirname(config), "k8s.yaml");
    const exported = await run([
      "export",
      "k8s",
      "-f",
      config,
      "--namespace",
      "team-a",
      "--gateway",
      "edge",
      "-o",
      out,
    ]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe(
      `${out}: complete, nothing left to do; then kubectl apply --dry-run=client -f ${out}\n`,
    );
    expect(existsSync(out)).toBe(true);
    const resources = parseAllDocuments(readFileSync(out, "utf8")).map((doc) => doc.toJS());
    expect(resources.map((r) => `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      "Gateway/team-a/edge",
      "AgentgatewayBackend/team-a/route0",
      "HTTPRoute/team-a/route0",
      "AgentgatewayPolicy/team-a/route0",
    ]);
    expect(resources[2].spec.parentRefs).toEqual([{ name: "edge", sectionName: "bind-3500" }]);
  });
});
