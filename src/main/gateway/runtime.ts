import type {
  GatewayConfig,
  ListenerSpec,
  McpBackendSpec,
  PathMatch,
  PolicyLayer,
  OpenApiTargetSpec,
  RouteSpec,
  TargetSpec,
} from "../config/model";
import type { CompileContext, ConfigPath } from "./policies/compile-context";
import { fetchWithEdits } from "./policies/header-edits";
import {
  STEPS,
  type Attachment,
  type CompiledPolicy,
  type Fetch,
  type FetchScope,
  type PolicyCompileContext,
  type PolicyKind,
  type PolicyRequest,
  type ServedRequest,
  type StepResult,
} from "./policies/policy";
import { compileListenerTls, type ListenerTls } from "./listener-tls";
import { KIND_BY_KEY, POLICY_KINDS } from "./policies/registry";
import { compileOpenApis } from "./relay/openapi/compile-openapi";
import type { OpenApi } from "./relay/openapi/openapi-api";

/** One request step of the pipeline: a compiled policy's `handle`. */
export type PipelineStep = (request: PolicyRequest) => StepResult | Promise<StepResult>;

/** Policies compiled for one point of the pipeline (a listener, or a route with its backend). */
export interface CompiledPolicies {
  /** The request steps, in pipeline order. */
  steps: PipelineStep[];
  /**
   * The policies behind `steps`, in the same order, every occurrence of a kind included: for
   * explaining what the steps would decide without running them (explain-access.ts).
   */
  stepPolicies: readonly Compiled[];
  /** Whether any CEL rule will look at the request, so its context is worth building. */
  readsContext: boolean;
  /** Whether answers may differ per caller (authentication, rules). */
  variesByCaller: boolean;
}

/** What a session is opened for: a backend's targets, reached through their policies. */
export interface RouteTargets {
  readonly backend: McpBackendSpec;
  /**
   * The fetch a session uses for an HTTP target, with the policies that apply to it; `served`
   * is the latest request the session served (FetchScope).
   */
  fetchFor(
    target: TargetSpec,
    callerToken: () => string | undefined,
    served: () => ServedRequest | undefined,
  ): Fetch;
  /** An openapi target's API, read from its document when the config compiled. */
  apiOf(target: OpenApiTargetSpec): OpenApi;
}

/** A route with every policy compiled once, when the config loads. */
export interface CompiledRoute extends CompiledPolicies, RouteTargets {
  spec: RouteSpec;
  name: string;
  /**
   * The route's place in the config, unique where its name need not be (default names repeat
   * across the listeners of a bind): what the route's sessions belong to.
   */
  key: string;
  /** The most specific occurrence of a policy kind on the route or its backend. */
  find<Compiled>(kind: PolicyKind<string, unknown, Compiled>): Compiled | undefined;
}

export interface CompiledListener extends CompiledPolicies {
  spec: ListenerSpec;
  routes: CompiledRoute[];
  /** HTTPS: its certificate, read from the files `spec.tls` names. */
  tls?: ListenerTls;
  /** The policies that watch its traffic (`observe`): access logs, traces. */
  observers: readonly CompiledPolicy[];
}

/** A problem or warning at a key path of the config. */
export interface CompileIssue {
  path: ConfigPath;
  message: string;
}

/** Everything the gateway needs to serve one config; closed when a reload replaces it. */
export interface Runtime {
  config: GatewayConfig;
  listeners: CompiledListener[];
  warnings: CompileIssue[];
  close(): Promise<void>;
}

/** Compile problems: the config cannot be served. Each names its key path. */
export class CompileError extends Error {
  constructor(readonly problems: CompileIssue[]) {
    super(problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("\n"));
    this.name = "CompileError";
  }
}

export interface RuntimeOptions {
  /** Relative `jwks.file` paths resolve here; default: the process's working directory. */
  cwd?: string;
  notice?: CompileContext["notice"];
}

/** Compiles layers of policies for a listener, and for the route whose paths are given. */
type CompileLayers = (
  layers: PolicyLayer[],
  listener: ListenerSpec,
  routePaths?: readonly PathMatch[],
) => Promise<Compiled[]>;

/** A compiled policy with its kind, in the order its layer wrote it. */
export interface Compiled {
  kind: PolicyKind;
  policy: CompiledPolicy;
}

/**
 * Compiles a config into a runtime: every policy of every attachment point, once. Policies open
 * key files and URLs, so this is async, and everything opened is released if anything fails.
 */
export async function compileRuntime(
  config: GatewayConfig,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const problems: CompileIssue[] = [];
  const warnings: CompileIssue[] = [];
  const ctx: CompileContext = {
    cwd: options.cwd ?? process.cwd(),
    problem: (path, message) => problems.push({ path, message }),
    warning: (path, message) => warnings.push({ path, message }),
    notice: options.notice ?? (() => undefined),
  };
  const opened: CompiledPolicy[] = [];
  const compile: CompileLayers = async (layers, listener, routePaths) => {
    const compiled = await compileLayers(layers, {
      ...ctx,
      listenerAddress: listener.address,
      routePaths,
    });
    for (const { policy } of compiled) opened.push(policy);
    return compiled;
  };
  // frontendPolicies are for all traffic: compiled once, whatever the number of listeners, and
  // the outermost layer of each (their steps run first; their fetch wrappers wrap the others).
  const frontend = await compileLayers(config.frontendPolicies ? [config.frontendPolicies] : [], {
    ...ctx,
    listenerAddress: "",
    routePaths: undefined,
  });
  for (const { policy } of frontend) opened.push(policy);
  const frontendWide = mostSpecific(frontend);
  const observers = frontend.flatMap(({ policy }) => (policy.observe ? [policy] : []));
  const listeners = await Promise.all(
    config.listeners.map(async (spec): Promise<CompiledListener> => {
      const [own, routes, tls] = await Promise.all([
        compile(spec.policies ?? [], spec),
        Promise.all(
          spec.routes.map((route) => compileRoute(route, spec, compile, frontendWide, ctx)),
        ),
        spec.tls && compileListenerTls(spec.tls, ctx),
      ]);
      const compiled = pipeline([...frontend, ...own]);
      // A gateway that authenticates makes every route's answers the caller's own.
      for (const route of routes) route.variesByCaller ||= compiled.variesByCaller;
      return { spec, routes, ...compiled, observers, ...(tls && { tls }) };
    }),
  );
  const runtime: Runtime = {
    config,
    listeners,
    warnings,
    close: async () => {
      await Promise.all(opened.map((policy) => policy.close?.()));
    },
  };
  if (problems.length > 0) {
    await runtime.close();
    throw new CompileError(problems);
  }
  return runtime;
}

async function compileRoute(
  spec: RouteSpec,
  listener: ListenerSpec,
  compile: CompileLayers,
  frontendWide: ReadonlyMap<PolicyKind, CompiledPolicy>,
  ctx: CompileContext,
): Promise<CompiledRoute> {
  const loadingApis = compileOpenApis(spec.backend.targets, ctx);
  const backendLayer = spec.backend.policies ?? {
    attachment: "backend",
    path: [...spec.policiesPath.slice(0, -1), "backend"],
    policies: {},
  };
  const routeLayer: PolicyLayer = {
    attachment: "route",
    path: spec.policiesPath,
    policies: spec.policies,
  };
  const targetLayers = spec.backend.targets.flatMap((target) =>
    target.kind !== "stdio" && target.policies ? [target.policies] : [],
  );
  const [compiled, ...perTarget] = await Promise.all([
    compile([routeLayer, backendLayer], listener, spec.paths),
    ...targetLayers.map((layer) => compile([layer], listener, spec.paths)),
  ]);
  const routeWide = mostSpecific(compiled as Compiled[]);
  const targetWide = new Map(
    targetLayers.map((layer, i) => [layer, mostSpecific(perTarget[i] as Compiled[])]),
  );
  const apis = await loadingApis;
  const steps = pipeline(compiled as Compiled[]);
  // A target's policies read the request through the session (FetchScope.served), which has
  // its context only where the route builds one.
  steps.readsContext ||= perTarget.some((list) => list.some(({ policy }) => policy.readsContext));
  return {
    spec,
    name: spec.name,
    key: spec.policiesPath.join("."),
    backend: spec.backend,
    ...steps,
    find: <C>(kind: PolicyKind<string, unknown, C>) =>
      routeWide.get(kind as unknown as PolicyKind) as C | undefined,
    apiOf(target) {
      const api = apis.get(target);
      // Compiling refuses a config whose documents do not load: no session gets this far.
      if (!api) throw new Error(`the OpenAPI document of target "${target.name}" was not loaded`);
      return api;
    },
    fetchFor(target, callerToken, served) {
      const own = target.kind === "stdio" ? undefined : target.policies;
      const policies = new Map([
        ...frontendWide,
        ...routeWide,
        ...(own ? (targetWide.get(own) ?? []) : []),
      ]);
      const scope: FetchScope = { target: { name: target.name, url: targetUrl(target) }, served };
      let wrapped: Fetch = fetch;
      // The innermost wrapper is applied first: the registry's last kind, so its first is
      // outermost (a retry around each attempt's time limit, credentials and connection).
      for (let i = POLICY_KINDS.length - 1; i >= 0; i--) {
        const policy = policies.get(POLICY_KINDS[i] as PolicyKind);
        if (policy?.wrapFetch) wrapped = policy.wrapFetch(wrapped, callerToken, scope);
      }
      // Outermost: what the policies of the session's latest request set for the targets, as
      // agentgateway's MCP client forwards its client's request the way the route policies left
      // it; the target policies may then override it, as agentgateway applies them last.
      return fetchWithEdits(wrapped, () => served()?.targetHeaders);
    },
  };
}

/**
 * Compiles the layers that apply to the same requests (a gateway and its listener; a route and
 * its backend). Each policy sees the others written beside it in these layers, and a kind that
 * is on by default gets its default where none of them writes it.
 */
async function compileLayers(
  layers: PolicyLayer[],
  ctx: Omit<PolicyCompileContext, "siblings" | "attachment">,
): Promise<Compiled[]> {
  const siblings: Record<string, unknown> = Object.assign({}, ...layers.map((l) => l.policies));
  const occurrences: {
    kind: PolicyKind;
    config: unknown;
    path: ConfigPath;
    ctx: PolicyCompileContext;
  }[] = [];
  for (const layer of layers) {
    const layerCtx: PolicyCompileContext = { ...ctx, siblings, attachment: layer.attachment };
    for (const [key, config] of Object.entries(layer.policies)) {
      if (config === undefined) continue;
      occurrences.push({
        kind: KIND_BY_KEY.get(key) as PolicyKind,
        config,
        path: layer.paths?.[key] ?? [...layer.path, key],
        ctx: layerCtx,
      });
    }
    for (const kind of defaultsAt(layer.attachment)) {
      if (kind.key in siblings) continue;
      const config = kind.byDefault?.(layerCtx);
      if (config !== undefined) {
        occurrences.push({ kind, config, path: [...layer.path, kind.key], ctx: layerCtx });
      }
    }
  }
  const compiled = await Promise.all(
    occurrences.map(async ({ kind, config, path, ctx: layerCtx }) => {
      const policy = await kind.compile(config, path, layerCtx);
      return policy && { kind, policy };
    }),
  );
  return compiled.filter((entry): entry is Compiled => entry !== undefined);
}

function defaultsAt(attachment: Attachment): PolicyKind[] {
  return POLICY_KINDS.filter(
    (kind) => "byDefault" in kind && kind.attachments.includes(attachment),
  ) as PolicyKind[];
}

/** The request steps in pipeline order: by step, then by registry order, then outer layer first. */
function pipeline(compiled: Compiled[]): CompiledPolicies {
  const rank = (entry: Compiled) =>
    STEPS.indexOf(entry.kind.step as (typeof STEPS)[number]) * POLICY_KINDS.length +
    (POLICY_KINDS as readonly PolicyKind[]).indexOf(entry.kind);
  const stepPolicies = compiled
    .filter((entry) => entry.kind.step !== undefined && entry.policy.handle)
    .sort((a, b) => rank(a) - rank(b));
  return {
    steps: stepPolicies.map(({ policy }) => (policy.handle as PipelineStep).bind(policy)),
    stepPolicies,
    readsContext: compiled.some(({ policy }) => policy.readsContext),
    variesByCaller: compiled.some(({ policy }) => policy.variesByCaller),
  };
}

function targetUrl(target: TargetSpec): string {
  return target.kind === "stdio" ? "" : target.url;
}

/** Each kind once: where it is written at several layers, the innermost wins. */
function mostSpecific(compiled: Compiled[]): Map<PolicyKind, CompiledPolicy> {
  return new Map(compiled.map(({ kind, policy }) => [kind, policy]));
}
