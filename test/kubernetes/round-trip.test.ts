import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseDuration } from "../../src/main/config/duration";
import { parseConfig, type LoadedConfig } from "../../src/main/config/load";
import type { GatewayConfig, PolicyLayer } from "../../src/main/config/model";
import { exportKubernetes, writeExport } from "../../src/main/config/kubernetes/kubernetes-export";
import {
  importKubernetes,
  writeImportedConfig,
} from "../../src/main/config/kubernetes/kubernetes-import";
import { validateResources } from "./validate-resource";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHARED = fileURLToPath(new URL("../../../shared/fixtures/agentgateway/", import.meta.url));

/** Every config among the test fixtures (the snapshots of normalized forms are not configs). */
const FIXTURES = [
  ...["test/fixtures/agentgateway-structure", "test/fixtures/kubernetes-bridge"].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .filter((name) => name.endsWith(".yaml") && !name.endsWith(".normalized.yaml"))
      .map((name) => join(ROOT, dir, name)),
  ),
  join(SHARED, "binds-config.yaml"),
  join(SHARED, "mcp-shorthand-config.yaml"),
  join(ROOT, "resources/default-config.yaml"),
];

/** The key files the fixtures name, relative to the working directory as agentgateway reads them. */
const cwd = mkdtempSync(join(tmpdir(), "gatehouse-bridge-"));
const JWKS =
  '{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","use":"sig","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}';
writeFileSync(join(cwd, "jwks.json"), JWKS);
mkdirSync(join(cwd, "manifests/jwt"), { recursive: true });
copyFileSync(join(SHARED, "pub-key"), join(cwd, "manifests/jwt/pub-key"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** What Gatehouse sets for its embedded default: the demo server's command and the demo keys. */
const env = {
  GATEHOUSE_NODE: process.execPath,
  GATEHOUSE_CLI: "gatehouse.js",
  GATEHOUSE_DEMO_JWKS: JWKS,
};

/** What the bridge promises to carry both ways, read from the normalized config. */
const CARRIED = {
  listener: ["jwtAuth", "authorization"],
  route: [
    "jwtAuth",
    "authorization",
    "mcpAuthorization",
    "cors",
    "requestHeaderModifier",
    "responseHeaderModifier",
  ],
  backend: ["mcpAuthorization"],
};

/**
 * A config as the bridge sees it: per port and host name, the carried policies (merged over
 * their layers, defaults made explicit, key files read), and each route with an HTTP target by
 * its paths, targets and backend modes. Names are left out: Kubernetes names are made from them.
 */
function bridged(config: GatewayConfig, dir: string) {
  return config.listeners
    .map((listener) => ({
      port: listener.port,
      hostname: listener.hostname ?? null,
      policies: carried(listener.policies ?? [], CARRIED.listener, dir),
      routes: listener.routes
        .map((route) => ({
          hostnames: route.hostnames,
          paths: route.paths,
          policies: carried([{ policies: route.policies } as PolicyLayer], CARRIED.route, dir),
          backendPolicies: carried(
            route.backend.policies ? [route.backend.policies] : [],
            CARRIED.backend,
            dir,
          ),
          targets: route.backend.targets.flatMap((target) =>
            target.kind === "mcp" || target.kind === "sse"
              ? [{ kind: target.kind, name: target.name, url: target.url }]
              : [],
          ),
          modes: [route.backend.prefixMode, route.backend.failureMode, route.backend.statefulMode],
        }))
        .filter((route) => route.targets.length),
    }))
    .filter((listener) => listener.routes.length);
}

function carried(layers: PolicyLayer[], keys: string[], dir: string) {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const key of keys) {
      const value = (layer.policies as Record<string, unknown>)[key];
      if (value !== undefined) merged[key] = comparable(key, value, dir);
    }
  }
  return merged;
}

/** Forms that mean the same written one way: jwtAuth's, a JWKS file's content, cors maxAge. */
function comparable(key: string, value: unknown, dir: string): unknown {
  if (key === "cors") {
    const { maxAge, ...rest } = value as { maxAge?: string };
    return { ...rest, maxAge: maxAge && parseDuration(maxAge) };
  }
  if (key !== "jwtAuth") return value;
  type Provider = { issuer: string; audiences?: string[]; jwks: unknown };
  const jwt = value as Provider & { mode?: string; providers?: Provider[] };
  const jwks = (source: unknown) =>
    typeof source === "string"
      ? JSON.parse(source)
      : "file" in (source as object)
        ? JSON.parse(readFileSync(join(dir, (source as { file: string }).file), "utf8"))
        : source;
  return {
    mode: jwt.mode ?? "optional",
    providers: (jwt.providers ?? [jwt]).map((p) => ({
      issuer: p.issuer,
      audiences: p.audiences ?? [],
      jwks: jwks(p.jwks),
    })),
  };
}

function load(file: string): LoadedConfig {
  return parseConfig(readFileSync(file, "utf8"), file, env);
}

describe.each(FIXTURES.map((file) => [file.slice(ROOT.length - 1)] as const))(
  "the Kubernetes bridge on %s",
  (relative) => {
    const file = FIXTURES.find((f) => f.endsWith(relative)) as string;

    it("exports resources the CRDs accept", () => {
      const exported = exportKubernetes(load(file), { cwd });
      expect(validateResources(exported.resources)).toEqual([]);
    });

    it("imports its export back into an equivalent config", () => {
      const original = load(file);
      const text = writeExport(exportKubernetes(original, { cwd }), file);
      const sources = [{ file: "exported.yaml", text }];
      const imported = importKubernetes(sources);
      // What the export wrote as it was but has no meaning here: an HTTPS listener's Secret.
      const todos = imported.notes.filter((note) => note.todo).map((note) => note.at.message);
      expect(todos.filter((message) => !message.includes("serves HTTPS"))).toEqual([]);
      const back = parseConfig(writeImportedConfig(imported, sources), "back.yaml", env);
      expect(bridged(back.gateway, cwd)).toEqual(bridged(original.gateway, cwd));
    });
  },
);

describe("the bridge's own fixture", () => {
  it("is carried whole: nothing of it is a TODO", () => {
    const file = join(ROOT, "test/fixtures/kubernetes-bridge/mcp-policies.yaml");
    const exported = exportKubernetes(load(file), { cwd });
    expect(exported.notes.filter((note) => note.todo)).toEqual([]);
    expect(exported.resources.map((r) => r.kind).sort()).toEqual([
      "AgentgatewayBackend",
      "AgentgatewayBackend",
      "AgentgatewayPolicy",
      "AgentgatewayPolicy",
      "AgentgatewayPolicy",
      "AgentgatewayPolicy",
      "Gateway",
      "HTTPRoute",
      "HTTPRoute",
    ]);
  });
});
