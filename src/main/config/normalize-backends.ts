/**
 * MCP backends and their targets, as routes and the `mcp:` shorthand write them or name them
 * from the top-level `backends`, turned into the model: target URLs resolved, policies gathered
 * into one layer per attachment point.
 */
import { KIND_BY_KEY, type PolicyConfigs } from "../gateway/policies/registry";
import type { Attachment } from "../gateway/policies/policy";
import type { McpBackendSpec, PolicyLayer, TargetSpec } from "./model";
import type { RawMcpBackend, RawNamedBackend, RawTarget } from "./schema";
import { formatPath } from "./problems";

/** Reports a problem at a key path of the raw config. */
export type Report = (path: PropertyKey[], message: string) => void;

type Path = (string | number)[];

/** Policies as written at one place: what a layer is gathered from. */
interface PolicySource {
  path: Path;
  policies: PolicyConfigs | undefined;
}

/** The top-level `backends`, by name, with where each is written. */
export class NamedBackends {
  private readonly byName = new Map<string, { raw: RawNamedBackend; path: Path }>();
  private readonly specs = new Map<string, McpBackendSpec>();

  constructor(
    raw: readonly RawNamedBackend[],
    /** Where the problems of the backends and targets that use these go, too. */
    readonly report: Report,
  ) {
    raw.forEach((backend, i) => {
      const path: Path = ["backends", i];
      const first = this.byName.get(backend.name);
      if (first) {
        report([...path, "name"], `backend name "${backend.name}" is used twice`);
      } else {
        this.byName.set(backend.name, { raw: backend, path });
        if (backend.host !== undefined) this.checkHostPolicies(backend, path);
      }
    });
  }

  /**
   * The MCP backend a route names (`backend: <name>`), reached through the route's own
   * `policies` for it, which win over the backend's (agentgateway: "backendRef inline" over
   * "Backend inline").
   */
  mcpBackend(name: string, at: Path, reference: PolicySource): McpBackendSpec | undefined {
    const named = this.find(name, at);
    if (!named) return undefined;
    if (!named.raw.mcp) {
      this.report(at, `backend "${name}" is a host backend: a route forwards to an MCP backend`);
      return undefined;
    }
    const own = { path: [...named.path, "policies"], policies: named.raw.policies };
    const spec = this.specOf(name, named.raw.mcp, named.path, own);
    if (!reference.policies) return spec;
    const onBackend = { path: [...named.path, "mcp"], policies: named.raw.mcp };
    return { ...spec, ...layerOf("backend", [dnsRebindingOf(onBackend), own, reference]) };
  }

  /** Checks the MCP backends no route names, so that their problems are reported too. */
  checkUnused() {
    for (const [name, { raw, path }] of this.byName) {
      if (raw.mcp)
        this.specOf(name, raw.mcp, path, { path: [...path, "policies"], policies: raw.policies });
    }
  }

  /** A named MCP backend as routes that add no policies of their own use it: made once. */
  private specOf(name: string, raw: RawMcpBackend, path: Path, own: PolicySource) {
    let spec = this.specs.get(name);
    if (!spec) {
      spec = backendSpec(raw, [...path, "mcp"], [own], this);
      this.specs.set(name, spec);
    }
    return spec;
  }

  /**
   * The URL and connection policies of an MCP target that names a `host:` backend instead of
   * writing its own host: an http:// URL, since agentgateway connects with TLS only under a
   * `backendTLS` policy (on the backend, and so on the target), which then makes it HTTPS.
   */
  hostTarget(
    name: string,
    urlPath: string,
    at: Path,
  ): { url: string; policies?: PolicyLayer } | undefined {
    const named = this.find(name, at);
    if (!named) return undefined;
    if (named.raw.host === undefined) {
      this.report(at, `backend "${name}" is an MCP backend: a target names a \`host:\` backend`);
      return undefined;
    }
    const url = parseHostPort(named.raw.host, urlPath);
    if (!url) {
      this.report([...named.path, "host"], `"${named.raw.host}" is not a valid host:port`);
      return undefined;
    }
    const source = { path: [...named.path, "policies"], policies: named.raw.policies };
    return { url, ...layerOf("target", [source]) };
  }

  private find(name: string, at: Path) {
    const named = this.byName.get(name);
    if (!named) this.report(at, `backend "${name}" is not defined under "backends"`);
    return named;
  }

  /** A host backend's policies apply to the connection of the targets that name it. */
  private checkHostPolicies(backend: RawNamedBackend, path: Path) {
    for (const key of Object.keys(backend.policies ?? {})) {
      if (!KIND_BY_KEY.get(key)?.attachments.includes("target")) {
        this.report(
          [...path, "policies", key],
          `"${key}" does not apply to a host backend: MCP targets connect through it, and only policies of a target's connection do`,
        );
      }
    }
  }
}

/**
 * An MCP backend written at `path`, with the policies of the backend layer gathered from
 * `sources` (lowest precedence first) and its own `dnsRebindingProtection` key.
 */
export function backendSpec(
  raw: RawMcpBackend,
  path: Path,
  sources: PolicySource[],
  named: NamedBackends,
): McpBackendSpec {
  const names = new Set<string>();
  const targets = raw.targets.map((target, i) => {
    if (names.has(target.name))
      named.report([...path, "targets", i, "name"], `target name "${target.name}" is used twice`);
    names.add(target.name);
    const spec = targetSpec(target, [...path, "targets", i], named);
    return target.pinning === false ? { ...spec, pinning: false as const } : spec;
  });
  return {
    targets,
    prefixMode: raw.prefixMode ?? "conditional",
    failureMode: raw.failureMode ?? "failClosed",
    statefulMode: raw.statefulMode ?? "stateful",
    ...layerOf("backend", [dnsRebindingOf({ path, policies: raw }), ...sources]),
  };
}

/** `dnsRebindingProtection`, the policy written on the MCP backend itself, as a policy source. */
function dnsRebindingOf({ path, policies }: { path: Path; policies: RawMcpBackend }) {
  return { path, policies: { dnsRebindingProtection: policies.dnsRebindingProtection } };
}

/**
 * One layer of the policies written at several places, later places winning key by key; each
 * key keeps the place it was written. Nothing when none of them writes a policy.
 */
export function layerOf(
  attachment: Attachment,
  sources: PolicySource[],
): { policies?: PolicyLayer } {
  const policies: Record<string, unknown> = {};
  const written = new Map<string, Path>();
  for (const source of sources) {
    for (const [key, value] of Object.entries(source.policies ?? {})) {
      if (value === undefined) continue;
      policies[key] = value;
      written.set(key, source.path);
    }
  }
  if (written.size === 0) return {};
  // The layer's path is where most of it is written; the other keys name their own place.
  const at = [...written.values()].at(-1) as Path;
  const paths = Object.fromEntries(
    [...written]
      .filter(([, path]) => formatPath(path) !== formatPath(at))
      .map(([key, path]) => [key, [...path, key]]),
  );
  return {
    policies: {
      attachment,
      path: at,
      ...(Object.keys(paths).length > 0 && { paths }),
      policies: policies as PolicyConfigs,
    },
  };
}

type HttpAddress = { host?: string; port?: number; path?: string; backend?: string };

function targetSpec(raw: RawTarget, path: Path, named: NamedBackends): TargetSpec {
  if (raw.stdio) {
    const { cmd, args = [], env = {}, clearEnv = false } = raw.stdio;
    return { kind: "stdio", name: raw.name, cmd, args, env, clearEnv };
  }
  if (raw.openapi) {
    const { schema } = raw.openapi;
    const address = targetAddress(raw, "openapi", raw.openapi, path, named);
    return {
      kind: "openapi",
      name: raw.name,
      ...address,
      schema,
      schemaPath: [...path, "openapi", "schema"],
    };
  }
  const kind = raw.mcp ? "mcp" : "sse";
  return {
    kind,
    name: raw.name,
    ...targetAddress(raw, kind, (raw.mcp ?? raw.sse) as HttpAddress, path, named),
  };
}

/** Where an HTTP target is, and the policies of the connection to it. */
function targetAddress(
  raw: RawTarget,
  kind: "mcp" | "sse" | "openapi",
  http: HttpAddress,
  path: Path,
  named: NamedBackends,
): { url: string; policies?: PolicyLayer } {
  if (http.backend !== undefined) {
    // An OpenAPI target's paths come from its document, whatever path it names.
    const urlPath = kind === "openapi" ? "" : (http.path as string);
    const reached = named.hostTarget(http.backend, urlPath, [...path, kind, "backend"]);
    // Without `reached` a problem is reported, and the config is not served.
    return { url: reached?.url ?? "", ...(reached?.policies && { policies: reached.policies }) };
  }
  const url = targetUrl(
    http as HttpAddress & { host: string },
    kind,
    [...path, kind, "host"],
    named,
  );
  const own = { path: [...path, "policies"], policies: raw.policies };
  return { url, ...layerOf("target", [own]) };
}

/**
 * agentgateway's address forms: a URL, or `host:port` (scheme http), or host + port + path;
 * with no path, the transport's usual one (`/mcp` or `/sse`). An OpenAPI target takes no path:
 * agentgateway ignores it and sends each operation to the document's path.
 */
function targetUrl(
  http: HttpAddress & { host: string },
  kind: "mcp" | "sse" | "openapi",
  path: Path,
  named: NamedBackends,
): string {
  const url = parseAddress(http);
  const { report } = named;
  if (!url) {
    report(
      path,
      http.port === undefined
        ? `"${http.host}" is not a valid URL or host:port`
        : `"${http.host}" is not a valid host name (beside "port" and "path", "host" is the name alone)`,
    );
    return http.host;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    report(path, `"${http.host}" must be an http:// or https:// URL`);
  }
  if (kind === "openapi") {
    if (url.pathname !== "/") {
      report(
        path,
        `an openapi target's requests go to the paths of its document (under the path of its "servers" URL): "${url.pathname}" would be ignored; leave the path out`,
      );
    }
  } else if (url.pathname === "/") {
    url.pathname = `/${kind}`;
  }
  return url.href;
}

function parseAddress(http: HttpAddress & { host: string }): URL | undefined {
  if (http.port === undefined) {
    // `localhost:3005` has no scheme; agentgateway reads it as http.
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(http.host);
    return parseUrl(hasScheme ? http.host : `http://${http.host}`);
  }
  // "http://h" as the host would still parse, into a different URL than the user meant.
  if (/[/?#@]/.test(http.host)) return undefined;
  return parseUrl(`http://${http.host}:${http.port}${withSlash(http.path ?? "")}`);
}

/** A `host:` backend's `host:port`, with a target's path. */
function parseHostPort(hostPort: string, urlPath: string): string | undefined {
  if (/[/?#@]/.test(hostPort)) return undefined;
  const url = parseUrl(`http://${hostPort}${withSlash(urlPath)}`);
  return url?.port ? url.href : undefined;
}

function withSlash(path: string): string {
  return path && !path.startsWith("/") ? `/${path}` : path;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
