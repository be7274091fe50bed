import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/main/config/load";
import type { Dispatch } from "../../src/main/app/api/dispatch";
import { createGatehouse, type Gatehouse } from "../../src/main/app/gatehouse";
import type { KubernetesExportResult, KubernetesImportResult } from "../../src/shared/ui-api";
import { testIssuer } from "../auth/issuer";
import {
  agentgatewayJwtPolicy,
  httpRouteResource,
  mcpBackendResource,
  resourceSet,
} from "../kubernetes/guide-resources";
import { freePort } from "../relay/harness";

/** A route with a JWT policy, its backend with one target the import can carry and one it cannot. */
const RESOURCES = resourceSet(
  mcpBackendResource({
    name: "tools",
    url: new URL("http://127.0.0.1:3999/mcp"),
    clusterOnlyTarget: "in-cluster",
  }),
  httpRouteResource({ name: "tools-route", path: "/tools", backend: "tools" }),
  agentgatewayJwtPolicy({
    target: { kind: "HTTPRoute", name: "tools-route" },
    issuer: "example.com",
    jwks: '{"keys":[]}',
  }),
);

const served = (port: number, jwks: string) => `mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: issuer.example
      audiences: [gatehouse]
      jwks: '${jwks}'
    requestHeaderModifier:
      set:
        x-upstream-key: $K8S_EXPORT_SECRET
  targets:
    - name: remote
      mcp:
        host: http://127.0.0.1:3999/mcp
`;

describe("importKubernetes and exportKubernetes through the UI dispatcher", () => {
  let dir: string;
  let gatehouse: Gatehouse;
  let dispatch: Dispatch;
  const env = () => ({
    ...process.env,
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_KEYSTORE: "file",
    K8S_EXPORT_SECRET: "secret-from-the-environment",
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-ui-k8s-"));
    const file = join(dir, "config.yaml");
    const { jwks } = await testIssuer("issuer.example");
    await writeFile(file, served(await freePort(), JSON.stringify(jwks)));
    gatehouse = createGatehouse({ configPath: file, env: env() });
    await gatehouse.start();
    dispatch = gatehouse.dispatch;
  });
  afterAll(async () => {
    await gatehouse?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("imports resources as a config that loads, with a TODO where a target selects Services", async () => {
    const answer = await dispatch("importKubernetes", [
      [{ name: "resources.yaml", text: RESOURCES }],
      4567,
    ]);
    expect(answer.ok).toBe(true);
    const { config, notes } = (answer as { value: KubernetesImportResult }).value;

    const loaded = parseConfig(config, "imported.yaml");
    expect(loaded.gateway.listeners.map((listener) => listener.port)).toContain(4567);
    expect(config).toContain("pathPrefix: /tools");
    expect(config).toContain('# TODO: target "in-cluster" selects Services by label');
    expect(notes).toContainEqual({
      todo: true,
      message: expect.stringContaining('target "in-cluster" selects Services by label'),
      where: "resources.yaml:15:11 spec.mcp.targets[1].selector",
    });
    expect(notes.some((note) => !note.todo)).toBe(true); // no Gateway: served on the given port
  });

  it("says where resources that are not YAML are broken", async () => {
    const answer = await dispatch("importKubernetes", [
      [{ name: "broken.yaml", text: "kind: [HTTPRoute\n" }],
      null,
    ]);
    expect(answer.ok).toBe(false);
    expect((answer as { error: string }).error).toMatch(
      /^the files cannot be imported as Kubernetes resources \(\d+ problems?\):\nbroken\.yaml:\d+:\d+: /,
    );
  });

  it("exports the served config, with its JWT policy and a variable rather than its secret value", async () => {
    const answer = await dispatch("exportKubernetes", ["tools", "edge"]);
    expect(answer.ok).toBe(true);
    const { yaml, notes } = (answer as { value: KubernetesExportResult }).value;
    expect(yaml).toContain("kind: AgentgatewayPolicy");
    expect(yaml).toContain("jwtAuthentication:");
    expect(yaml).toContain("namespace: tools");
    expect(yaml).toMatch(/kind: Gateway\nmetadata:\n {2}name: edge\n/);
    expect(yaml).toContain("value: $K8S_EXPORT_SECRET");
    expect(yaml).not.toContain("secret-from-the-environment");
    expect(notes.every((note) => note.where.startsWith(`${gatehouse.source}:`))).toBe(true);
  });

  it("exports with the defaults when no namespace or gateway is given", async () => {
    const answer = await dispatch("exportKubernetes", [null, null]);
    expect(answer.ok).toBe(true);
    const { yaml } = (answer as { value: KubernetesExportResult }).value;
    expect(yaml).toContain("namespace: default");
    expect(yaml).toMatch(/kind: Gateway\nmetadata:\n {2}name: gatehouse\n/);
  });

  it("refuses a file over 1 MB, too many files and a namespace that is not a DNS label, in words", async () => {
    const big = { name: "huge.yaml", text: "#".repeat(2 * 1024 * 1024) };
    expect(await dispatch("importKubernetes", [[big], null])).toEqual({
      ok: false,
      error:
        'invalid arguments to importKubernetes: argument 1 (0.text): "huge.yaml" is larger than 1 MB, the most one resource file may be',
    });
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `${i}.yaml`, text: "" }));
    expect(await dispatch("importKubernetes", [many, null])).toEqual({
      ok: false,
      error:
        "invalid arguments to importKubernetes: argument 1: at most 10 resource files can be imported at once",
    });
    expect(await dispatch("exportKubernetes", ["Team_A", null])).toEqual({
      ok: false,
      error:
        'invalid arguments to exportKubernetes: argument 1: the namespace must be a DNS-1123 label: 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit',
    });
    expect(await dispatch("exportKubernetes", [null, "-edge"])).toMatchObject({
      ok: false,
      error: expect.stringContaining("argument 2: the gateway name must be a DNS-1123 label"),
    });
  });
});
