import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ListenerSpec, PolicyLayer, RouteSpec, TargetSpec } from "../model";
import { parseDuration } from "../duration";
import type { LoadedConfig } from "../load";
import { BridgeNotes, type BridgeNote, type OutputPath } from "./bridge-notes";
import { exportRules, type ExportedAuthorization } from "./export-rules";
import { UniqueNames } from "./unique-names";

export interface ExportOptions {
  /** The namespace of every resource; default `default`. */
  namespace?: string;
  /** The Gateway the routes attach to, and its name; default `gatehouse`. */
  gateway?: string;
  /** Where relative paths of the config (JWKS files) start; default the working directory. */
  cwd?: string;
}

export interface KubernetesExport {
  resources: Record<string, unknown>[];
  /** Each note's `outputPath` starts with the index of the resource it is about. */
  notes: BridgeNote[];
}

const GATEWAY_API = "gateway.networking.k8s.io";
const AGENTGATEWAY = "agentgateway.dev";

/** The policies an export carries; the route filters among them, as HTTPRoute filters. */
const FILTER_POLICIES: Record<string, (value: unknown) => Record<string, unknown>> = {
  requestHeaderModifier: (value) => ({
    type: "RequestHeaderModifier",
    requestHeaderModifier: headerModifier(value),
  }),
  responseHeaderModifier: (value) => ({
    type: "ResponseHeaderModifier",
    responseHeaderModifier: headerModifier(value),
  }),
  cors: (value) => ({ type: "CORS", cors: cors(value as Record<string, unknown>) }),
};

/** Local modes, to agentgateway's Kubernetes ones; unset is the local default, optional. */
const JWT_MODES: Record<string, string> = {
  strict: "Strict",
  optional: "Optional",
  permissive: "Permissive",
};

const PREFIX_MODES: Record<string, string> = {
  conditional: "Conditional",
  always: "Always",
  never: "Never",
};

/**
 * The MCP part of a loaded config as agentgateway Kubernetes resources: a Gateway with a
 * listener per local listener, an HTTPRoute and an AgentgatewayBackend per route, and an
 * AgentgatewayPolicy for each place that has jwtAuth, authorization or mcpAuthorization.
 * What has no Kubernetes counterpart here (stdio targets, other policies) is a TODO note.
 */
export function exportResources(
  loaded: LoadedConfig,
  options: ExportOptions = {},
): KubernetesExport {
  const exporter = new Exporter(loaded, options);
  exporter.exportAll();
  return { resources: exporter.resources, notes: exporter.notes.notes };
}

class Exporter {
  readonly resources: Record<string, unknown>[] = [];
  readonly notes = new BridgeNotes();
  private readonly namespace: string;
  private readonly gatewayName: string;
  private readonly names = {
    listener: new UniqueNames(),
    HTTPRoute: new UniqueNames(),
    AgentgatewayBackend: new UniqueNames(),
    AgentgatewayPolicy: new UniqueNames(),
  };

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly options: ExportOptions,
  ) {
    this.namespace = options.namespace ?? "default";
    this.gatewayName = options.gateway ?? "gatehouse";
  }

  exportAll(): void {
    const { listeners, frontendPolicies } = this.loaded.gateway;
    for (const key of Object.keys(frontendPolicies?.policies ?? {})) {
      this.untaken(policyPath(frontendPolicies as PolicyLayer, key), `frontendPolicies.${key}`);
    }
    const gateway = this.add("Gateway", GATEWAY_API, "v1", this.gatewayName, {
      gatewayClassName: "agentgateway",
      listeners: [],
    });
    listeners.forEach((listener) => this.exportListener(listener, gateway));
  }

  private exportListener(listener: ListenerSpec, gateway: Added): void {
    const sectionName = this.names.listener.take(listener.name);
    const index = gateway.spec.listeners.length;
    const output = [gateway.index, "spec", "listeners", index];
    gateway.spec.listeners.push({
      name: sectionName,
      port: listener.port,
      protocol: listener.tls ? "HTTPS" : "HTTP",
      ...(listener.hostname ? { hostname: listener.hostname } : {}),
      ...(listener.tls ? { tls: this.listenerTls(listener, sectionName, output) } : {}),
    });
    for (const layer of listener.policies ?? []) {
      const targetRef = {
        group: GATEWAY_API,
        kind: "Gateway",
        name: this.gatewayName,
        sectionName,
      };
      this.exportPolicies(layer, {
        name: `${this.gatewayName}-${sectionName}`,
        targetRef,
        preRouting: true,
        todosAt: [gateway.index],
      });
    }
    for (const route of listener.routes) this.exportRoute(route, sectionName);
  }

  /** The certificate stays on this machine: the listener names a Secret to create from it. */
  private listenerTls(listener: ListenerSpec, sectionName: string, output: OutputPath) {
    const tls = listener.tls as NonNullable<ListenerSpec["tls"]>;
    const secret = `${this.gatewayName}-${sectionName}-tls`;
    this.todoAt(
      tls.path,
      `create the Secret with the listener's certificate: kubectl create secret tls ${secret} -n ${this.namespace} --cert=${tls.certFile} --key=${tls.keyFile}${tls.rootFile ? " (mutual TLS with tls.root is not carried over)" : ""}`,
      output,
    );
    return { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: secret }] };
  }

  private exportRoute(route: RouteSpec, sectionName: string): void {
    const routePath = route.policiesPath.slice(0, -1);
    const name = this.names.HTTPRoute.take(route.name || "route");
    const targets = this.exportTargets(route, routePath);
    if (!targets.length) {
      this.todoAt(
        routePath,
        `route "${name}" has no target that can run in a cluster, so it is not exported`,
      );
      return;
    }
    const backendName = this.names.AgentgatewayBackend.take(name);
    const backend = this.add("AgentgatewayBackend", AGENTGATEWAY, "v1alpha1", backendName, {
      mcp: { targets, ...this.backendOptions(route) },
    });
    const filters = Object.entries(route.policies).flatMap(([key, value]) => {
      const filter = FILTER_POLICIES[key];
      return filter ? [filter(this.asWritten(value, [...route.policiesPath, key]))] : [];
    });
    const matches = route.paths.map((path) => ({
      path: { type: path.kind === "prefix" ? "PathPrefix" : "Exact", value: path.value },
    }));
    const httpRoute = this.add("HTTPRoute", GATEWAY_API, "v1", name, {
      parentRefs: [{ name: this.gatewayName, sectionName }],
      ...(route.hostnames.length ? { hostnames: route.hostnames } : {}),
      rules: [
        {
          ...(matches.length ? { matches } : {}),
          ...(filters.length ? { filters } : {}),
          backendRefs: [{ group: AGENTGATEWAY, kind: "AgentgatewayBackend", name: backendName }],
        },
      ],
    });
    const routeLayer = {
      attachment: "route",
      path: route.policiesPath,
      policies: route.policies,
    } as const;
    this.exportPolicies(routeLayer, {
      name,
      targetRef: { group: GATEWAY_API, kind: "HTTPRoute", name },
      carriesFilters: true,
      todosAt: [httpRoute.index],
    });
    if (route.backend.policies) {
      this.exportPolicies(route.backend.policies, {
        name: `${backendName}-backend`,
        targetRef: { group: AGENTGATEWAY, kind: "AgentgatewayBackend", name: backendName },
        todosAt: [backend.index],
      });
    }
  }

  /**
   * A policy with each string that came from an environment variable as it is written
   * (`Bearer ${GH_PAT}`): an export must not spill the value, often a secret, into a file.
   */
  private asWritten(value: unknown, path: OutputPath): unknown {
    if (typeof value === "string") {
      const written = this.loaded.written(path);
      if (typeof written !== "string" || written === value) return value;
      this.infoAt(
        path,
        `written as "${written}", as in the config: substitute the variable (envsubst) before kubectl apply`,
      );
      return written;
    }
    if (Array.isArray(value)) return value.map((item, i) => this.asWritten(item, [...path, i]));
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, this.asWritten(item, [...path, key])]),
    );
  }

  private backendOptions(route: RouteSpec): Record<string, string> {
    const { prefixMode, failureMode, statefulMode } = route.backend;
    return {
      ...(prefixMode !== "conditional" ? { prefixMode: PREFIX_MODES[prefixMode] as string } : {}),
      ...(failureMode === "failOpen" ? { failureMode: "FailOpen" } : {}),
      ...(statefulMode === "stateless" ? { sessionRouting: "Stateless" } : {}),
    };
  }

  /** HTTP targets as `static` MCP targets; a process or an OpenAPI document stays here. */
  private exportTargets(route: RouteSpec, routePath: OutputPath): Record<string, unknown>[] {
    return route.backend.targets.flatMap((target) => {
      if (target.kind !== "mcp" && target.kind !== "sse") {
        this.todoAt(routePath, untakenTarget(target));
        return [];
      }
      const { policies } = target;
      for (const key of Object.keys(policies?.policies ?? {})) {
        this.untaken(policyPath(policies as PolicyLayer, key), `${key} of target "${target.name}"`);
      }
      const url = new URL(target.url);
      const https = url.protocol === "https:";
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (isLoopback(host)) {
        this.todoAt(
          routePath,
          `target "${target.name}" is at ${target.url}, on this machine: point it at where the server runs in the cluster`,
        );
      }
      return [
        {
          name: target.name,
          static: {
            host,
            port: url.port ? Number(url.port) : https ? 443 : 80,
            path: `${url.pathname}${url.search}`,
            protocol: target.kind === "sse" ? "SSE" : "StreamableHTTP",
            ...(https ? { policies: { tls: { sni: host } } } : {}),
          },
        },
      ];
    });
  }

  /**
   * One AgentgatewayPolicy for what a layer of policies has that Kubernetes can say: jwtAuth
   * and authorization as `traffic`, mcpAuthorization as `backend.mcp`. The route filters went
   * into the HTTPRoute; anything else is a TODO.
   */
  private exportPolicies(layer: PolicyLayer, to: PolicyPlacement): void {
    const { policies } = layer;
    const at = (key: string) => policyPath(layer, key);
    const traffic: Record<string, unknown> = {};
    const jwt = policies.jwtAuth && this.jwtAuthentication(policies.jwtAuth, at("jwtAuth"));
    if (jwt) traffic.jwtAuthentication = jwt;
    const authorization =
      policies.authorization && this.authorization(policies.authorization, at("authorization"));
    if (authorization) traffic.authorization = authorization;
    const mcp =
      policies.mcpAuthorization &&
      this.authorization(policies.mcpAuthorization, at("mcpAuthorization"));
    const carried = ["jwtAuth", "authorization", "mcpAuthorization"];
    if (to.carriesFilters) carried.push(...Object.keys(FILTER_POLICIES));
    for (const key of Object.keys(policies).filter((key) => !carried.includes(key))) {
      if (key === "dnsRebindingProtection") {
        this.infoAt(
          at(key),
          "dnsRebindingProtection guards a gateway on this machine's loopback: a cluster's gateway has no counterpart, so it is not exported",
        );
      } else {
        this.untaken(at(key), key, to.todosAt);
      }
    }
    if (!Object.keys(traffic).length && !mcp) return;
    const name = this.names.AgentgatewayPolicy.take(to.name);
    this.add("AgentgatewayPolicy", AGENTGATEWAY, "v1alpha1", name, {
      targetRefs: [to.targetRef],
      ...(Object.keys(traffic).length
        ? { traffic: { ...(to.preRouting ? { phase: "PreRouting" } : {}), ...traffic } }
        : {}),
      ...(mcp ? { backend: { mcp: { authorization: mcp } } } : {}),
    });
  }

  private jwtAuthentication(
    config: unknown,
    path: OutputPath,
  ): Record<string, unknown> | undefined {
    const jwt = config as {
      mode?: string;
      issuer?: string;
      audiences?: string[];
      jwks?: unknown;
      jwtValidationOptions?: unknown;
      providers?: {
        issuer: string;
        audiences?: string[];
        jwks: unknown;
        jwtValidationOptions?: unknown;
      }[];
    };
    const providers = (jwt.providers ?? [jwt]).flatMap((provider, i) => {
      const at = jwt.providers ? [...path, "providers", i] : path;
      if (provider.jwtValidationOptions) {
        this.todoAt(
          [...at, "jwtValidationOptions"],
          "jwtValidationOptions has no Kubernetes counterpart: agentgateway requires exp there",
        );
      }
      const jwks = this.jwks(provider.jwks, [...at, "jwks"]);
      if (!jwks) return [];
      return [
        {
          issuer: provider.issuer,
          ...(provider.audiences ? { audiences: provider.audiences } : {}),
          jwks,
        },
      ];
    });
    if (!providers.length) return undefined;
    // Kubernetes defaults to Strict, the local config to optional: always say which.
    return { mode: JWT_MODES[jwt.mode ?? "optional"], providers };
  }

  /** An inline JWKS as it is, a file's inlined (the cluster cannot read it), a URL as remote. */
  private jwks(jwks: unknown, path: OutputPath): Record<string, unknown> | undefined {
    if (typeof jwks === "string") return { inline: jwks };
    const source = jwks as { file?: string; url?: string };
    if (source.url !== undefined) {
      if (isLoopback(new URL(source.url).hostname.replace(/^\[|\]$/g, ""))) {
        this.todoAt(
          path,
          `the JWKS at ${source.url} is on this machine: the cluster cannot fetch it; inline it or serve it where the cluster can reach`,
        );
      }
      return { remote: { url: source.url } };
    }
    const file = resolve(this.options.cwd ?? process.cwd(), source.file as string);
    try {
      return { inline: JSON.stringify(JSON.parse(readFileSync(file, "utf8"))) };
    } catch (error) {
      this.todoAt(
        path,
        `the JWKS file ${file} cannot be read (${(error as Error).message}): the provider is not exported`,
      );
      return undefined;
    }
  }

  private authorization(config: unknown, path: OutputPath): ExportedAuthorization | undefined {
    const { rules } = config as { rules: unknown[] };
    const exported = exportRules(rules as Parameters<typeof exportRules>[0]);
    if (exported.combined) {
      this.infoAt(
        path,
        "allow, deny and require rules together became one Allow expression, as one Kubernetes authorization holds one action",
      );
    }
    return exported.authorization;
  }

  private untaken(path: OutputPath, key: string, output?: OutputPath): void {
    this.todoAt(
      path,
      `${key} is not exported: the Kubernetes export carries jwtAuth, authorization, mcpAuthorization, cors and the header modifiers`,
      output,
    );
  }

  private add(
    kind: string,
    group: string,
    version: string,
    name: string,
    spec: Record<string, unknown>,
  ) {
    const index = this.resources.length;
    this.resources.push({
      apiVersion: `${group}/${version}`,
      kind,
      metadata: { name, namespace: this.namespace },
      spec,
    });
    return { index, spec } as Added;
  }

  private todoAt(path: readonly PropertyKey[], message: string, output?: OutputPath): void {
    this.notes.todo(this.loaded, path, message, output);
  }

  private infoAt(path: readonly PropertyKey[], message: string): void {
    this.notes.info(this.loaded, path, message);
  }
}

/** Where a layer's policies go: the AgentgatewayPolicy's name and target, and its TODOs. */
interface PolicyPlacement {
  name: string;
  targetRef: Record<string, string>;
  /** Local gateway and listener policies run before routing, as PreRouting ones do. */
  preRouting?: boolean;
  /** Whether the HTTPRoute took the layer's cors and header modifiers as filters. */
  carriesFilters?: boolean;
  /** The resource the layer's TODO comments go above. */
  todosAt?: OutputPath;
}

/** A resource added to the export: where it is, and its spec to fill in. */
interface Added {
  index: number;
  spec: { listeners: Record<string, unknown>[] } & Record<string, unknown>;
}

/** Where a layer's policy is written, for notes about it. */
function policyPath(layer: PolicyLayer, key: string): OutputPath {
  return layer.paths?.[key] ?? [...layer.path, key];
}

function untakenTarget(target: TargetSpec): string {
  return target.kind === "stdio"
    ? `target "${target.name}" is a process on this machine (${target.cmd}): run it in the cluster as a Service and add it as a static target`
    : `target "${target.name}" is an OpenAPI target, which agentgateway's Kubernetes API does not describe`;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The local maps from name to value, as Gateway API's lists of `{name, value}`. */
function headerModifier(value: unknown): Record<string, unknown> {
  const { set, add, remove } = value as {
    set?: Record<string, string>;
    add?: Record<string, string>;
    remove?: string[];
  };
  const asList = (map: Record<string, string>) =>
    Object.entries(map).map(([name, headerValue]) => ({ name, value: headerValue }));
  return {
    ...(set ? { set: asList(set) } : {}),
    ...(add ? { add: asList(add) } : {}),
    ...(remove ? { remove } : {}),
  };
}

/** The local duration as Gateway API's whole seconds. */
function cors(value: Record<string, unknown>): Record<string, unknown> {
  const { maxAge, ...rest } = value;
  if (typeof maxAge !== "string") return rest;
  return { ...rest, maxAge: Math.ceil(parseDuration(maxAge) / 1000) };
}
