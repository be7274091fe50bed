import { BridgeNotes, type BridgeNote, type OutputPath } from "./bridge-notes";
import { readAgentgatewayBackend } from "./import-backends";
import {
  list,
  readAgentgatewayPolicy,
  readGlooTrafficPolicy,
  record,
  type ImportedPolicy,
  type PolicyField,
  type PolicyTarget,
} from "./import-policies";
import { readHttpRoute, type RouteDraft } from "./import-routes";
import type { Resource } from "./resource-set";

export interface ImportOptions {
  /** The port to serve on, in place of the Gateway's (which must then be one port). */
  port?: number;
}

/** Kubernetes resources, as a local config in agentgateway's `gateways`/`routes` form. */
export interface KubernetesImport {
  config: Record<string, unknown>;
  notes: BridgeNote[];
  /** Where in the resources a path of `config` came from, for problems found in it later. */
  originOf: BridgeNotes["originOf"];
}

/** The port local routes are served on when the resources name no Gateway. */
const DEFAULT_PORT = 3000;

/** Kinds that run workloads or wire the cluster: they have no meaning for a local gateway. */
const CLUSTER_ONLY_KINDS = new Set([
  "Namespace",
  "Service",
  "Deployment",
  "StatefulSet",
  "Pod",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "GatewayClass",
  "ReferenceGrant",
]);

/** The API group of each kind read: an Istio `Gateway` is not a Gateway API one. */
const GROUPS: Record<string, string> = {
  Gateway: "gateway.networking.k8s.io",
  HTTPRoute: "gateway.networking.k8s.io",
  AgentgatewayBackend: "agentgateway.dev",
  AgentgatewayPolicy: "agentgateway.dev",
  GlooTrafficPolicy: "gloo.solo.io",
};

type Readers = Record<keyof typeof GROUPS, (resource: Resource) => void>;

/** A Gateway's listeners on one port: one local gateway. */
interface LocalGateway {
  name: string;
  port: number;
  /** Policies are written on a local listener itself, beside its name. */
  listeners: { name: string; hostname?: string; policies?: Record<string, unknown> }[];
}

interface LocalRoute extends RouteDraft {
  /** `<gateway>/<listener>` references, as local routes attach. */
  gateways: string[];
  /** Policies from policy resources, with how specific their target was. */
  attached: Map<string, { field: PolicyField; policy: Resource; level: number }>;
}

/** How specific a policy's target is: a route's policy overrides its gateway's, field by field. */
const LEVEL = { gateway: 0, route: 1 } as const;

/**
 * Turns Gateway API and agentgateway resources into the local config that does the same:
 * Gateways become gateways, HTTPRoute rules routes, AgentgatewayBackends named backends, and
 * policies the local policies of what they target. A Gateway-level policy applies to every
 * route on it unless the route's own policy sets the same field, as in agentgateway.
 */
export function importResources(
  resources: readonly Resource[],
  options: ImportOptions = {},
): KubernetesImport {
  const notes = new BridgeNotes();
  const gateways = new Map<string, LocalGateway[]>();
  const backends = new Map<string, Record<string, unknown>>();
  const drafts: RouteDraft[] = [];
  const policies: ImportedPolicy[] = [];

  const readers: Readers = {
    Gateway: (r) => gateways.set(key(r), readGateway(r, notes)),
    HTTPRoute: (r) => drafts.push(...readHttpRoute(r, notes)),
    AgentgatewayBackend: (r) => {
      const output = ["backends", backends.size];
      const backend = readAgentgatewayBackend(r, notes, output);
      if (!backend) return notes.leftOut(output);
      notes.madeFrom(output, r, ["spec"]);
      backends.set(key(r), backend);
    },
    AgentgatewayPolicy: (r) => policies.push(readAgentgatewayPolicy(r, notes)),
    GlooTrafficPolicy: (r) => policies.push(readGlooTrafficPolicy(r, notes)),
  };
  for (const resource of resources) {
    const read = GROUPS[resource.kind] === group(resource) ? readers[resource.kind] : undefined;
    if (read) read(resource);
    else if (CLUSTER_ONLY_KINDS.has(resource.kind))
      notes.info(resource, [], `${resource.label} has no meaning on this machine: skipped`);
    else
      notes.todo(
        resource,
        [],
        `${resource.apiVersion} ${resource.kind} is not imported by Gatehouse: it reads ${Object.entries(
          GROUPS,
        )
          .map(([kind, apiGroup]) => `${kind} (${apiGroup})`)
          .join(", ")}`,
      );
  }

  if (!gateways.size) standInGateway(drafts, gateways, options.port ?? DEFAULT_PORT, notes);
  overridePort([...gateways.values()].flat(), options.port, resources, notes);
  const routes = attachRoutes(drafts, gateways, backends, notes);
  for (const policy of policies)
    attachPolicy(policy, { gateways, routes, backends, resources }, notes);

  const config = {
    gateways: Object.fromEntries(
      uniqueGateways(gateways).map(({ name, port, listeners }) => [
        name,
        {
          port,
          listeners: listeners.map(({ policies, ...listener }) => ({ ...listener, ...policies })),
        },
      ]),
    ),
    routes: routes.map((route, i) => localRoute(route, i, notes)),
    ...(backends.size ? { backends: [...backends.values()] } : {}),
  };
  return { config, notes: notes.notes, originOf: (path) => notes.originOf(path) };
}

/** The group of `group/version`; the core group (`v1`) has none. */
function group(resource: Resource): string {
  const slash = resource.apiVersion.indexOf("/");
  return slash < 0 ? "" : resource.apiVersion.slice(0, slash);
}

function key(resource: { namespace: string; name: string }): string {
  return `${resource.namespace}/${resource.name}`;
}

/**
 * Without a Gateway in the resources (a guide's YAML rarely repeats its setup), one local
 * gateway stands in for every Gateway the routes name, so policies on those still apply.
 */
function standInGateway(
  drafts: RouteDraft[],
  gateways: Map<string, LocalGateway[]>,
  port: number,
  notes: BridgeNotes,
): void {
  const first = drafts[0];
  if (!first) return;
  const name = drafts.find((draft) => draft.parents.length)?.parents[0]?.name ?? "default";
  const standIn: LocalGateway = { name, port, listeners: [{ name: "http" }] };
  for (const draft of drafts) {
    // Listener names and ports belong to the Gateway that is not here: the stand-in has one.
    draft.parents = draft.parents.length
      ? draft.parents.map(({ name, namespace }) => ({ name, namespace }))
      : [{ name, namespace: draft.resource.namespace }];
    for (const parent of draft.parents) gateways.set(key(parent), [standIn]);
  }
  notes.info(
    first.resource,
    ["spec", "parentRefs"],
    `no Gateway in the resources: the routes are served on port ${port}, as gateway "${name}"`,
  );
}

/** Each local gateway once, though a stand-in serves under several Gateways' names. */
function uniqueGateways(gateways: Map<string, LocalGateway[]>): LocalGateway[] {
  return [...new Set([...gateways.values()].flat())];
}

/** A Gateway's HTTP listeners, one local gateway per port. */
function readGateway(resource: Resource, notes: BridgeNotes): LocalGateway[] {
  const spec = record(resource.body.spec);
  notes.unread(resource, ["spec"], spec, ["gatewayClassName", "listeners", "infrastructure"]);
  const byPort = new Map<number, LocalGateway["listeners"]>();
  list(spec.listeners).forEach((value, i) => {
    const listener = record(value);
    const path = ["spec", "listeners", i];
    notes.unread(resource, path, listener, [
      "name",
      "port",
      "protocol",
      "hostname",
      "tls",
      "allowedRoutes",
    ]);
    const { name, port, protocol, hostname } = listener;
    if (typeof name !== "string" || typeof port !== "number") {
      notes.todo(resource, path, "a listener needs a name and a port");
      return;
    }
    if (protocol === "HTTPS") {
      notes.todo(
        resource,
        [...path, "tls"],
        `listener "${name}" serves HTTPS with certificates from the cluster's Secrets: it is served as HTTP here; add tls: {cert, key} with files of this machine to serve HTTPS`,
      );
    } else if (protocol !== "HTTP") {
      notes.todo(
        resource,
        [...path, "protocol"],
        `listener "${name}" is ${String(protocol)}: Gatehouse serves HTTP and HTTPS only`,
      );
      return;
    }
    const listeners = byPort.get(port) ?? [];
    listeners.push({ name, ...(typeof hostname === "string" ? { hostname } : {}) });
    byPort.set(port, listeners);
  });
  const several = byPort.size > 1;
  return [...byPort].map(([port, listeners]) => {
    const name = several ? `${resource.name}-${port}` : resource.name;
    notes.madeFrom(["gateways", name], resource, ["spec", "listeners"]);
    return { name, port, listeners };
  });
}

/** `--port` moves the one port the resources listen on; with several, which one is unclear. */
function overridePort(
  gateways: LocalGateway[],
  port: number | undefined,
  resources: readonly Resource[],
  notes: BridgeNotes,
): void {
  if (port === undefined || !gateways.length) return;
  const ports = [...new Set(gateways.map((g) => g.port))];
  if (ports.length > 1) {
    const gateway = resources.find((r) => r.kind === "Gateway") as Resource;
    notes.todo(
      gateway,
      ["spec", "listeners"],
      `--port ${port} was not applied: the Gateways listen on ${ports.join(", ")}, and --port replaces one port`,
    );
    return;
  }
  for (const gateway of gateways) gateway.port = port;
}

/** Resolves each rule's parents to local listeners and its backend to a local backend. */
function attachRoutes(
  drafts: RouteDraft[],
  gateways: Map<string, LocalGateway[]>,
  backends: Map<string, Record<string, unknown>>,
  notes: BridgeNotes,
): LocalRoute[] {
  return drafts.flatMap((draft) => {
    const backend = backends.get(key(draft.backend));
    if (!backend) {
      notes.todo(
        draft.resource,
        draft.path,
        `AgentgatewayBackend ${draft.backend.name} is not in the resources, or cannot be served here: the rule is left out`,
      );
      return [];
    }
    const refs = draft.parents.flatMap((parent) => {
      const locals = gateways.get(key(parent));
      if (!locals) return [];
      return locals
        .filter((g) => parent.port === undefined || g.port === parent.port)
        .flatMap((g) =>
          g.listeners
            .filter((l) => parent.sectionName === undefined || l.name === parent.sectionName)
            .map((l) => `${g.name}/${l.name}`),
        );
    });
    if (!refs.length && gateways.size) {
      notes.todo(
        draft.resource,
        ["spec", "parentRefs"],
        "none of the route's parent Gateways is in the resources: the route is left out",
      );
      return [];
    }
    const route = { ...draft.route, backends: [{ backend: backend.name }] };
    return [{ ...draft, route, gateways: refs, attached: new Map() }];
  });
}

interface Attachables {
  gateways: Map<string, LocalGateway[]>;
  routes: LocalRoute[];
  backends: Map<string, Record<string, unknown>>;
  resources: readonly Resource[];
}

/** Puts a policy's fields where its targets are in the local config. */
function attachPolicy(policy: ImportedPolicy, to: Attachables, notes: BridgeNotes): void {
  const { resource } = policy;
  for (const target of resolveTargets(policy, to.resources)) {
    const targetKey = `${resource.namespace}/${target.name}`;
    if (target.kind === "Gateway") {
      const locals = to.gateways.get(targetKey);
      if (!locals) {
        notes.todo(
          resource,
          ["spec"],
          `Gateway ${target.name} is not in the resources: the policy is not applied`,
        );
        continue;
      }
      if (policy.preRouting) {
        for (const gateway of locals) attachToGateway(policy, gateway, target.sectionName, notes);
        continue;
      }
      const names = new Set(locals.map((g) => g.name));
      const onIt = (ref: string) => {
        const [gateway, listener] = ref.split("/") as [string, string];
        return names.has(gateway) && (!target.sectionName || listener === target.sectionName);
      };
      for (const route of to.routes) {
        if (route.gateways.some(onIt)) attachToRoute(policy, route, LEVEL.gateway, notes);
      }
    } else if (target.kind === "HTTPRoute") {
      const routes = to.routes.filter(
        (route) =>
          key(route.resource) === targetKey &&
          (!target.sectionName || route.ruleName === target.sectionName),
      );
      if (!routes.length)
        notes.todo(
          resource,
          ["spec"],
          `HTTPRoute ${target.name} is not in the resources, or none of its rules is served here: the policy is not applied`,
        );
      for (const route of routes) attachToRoute(policy, route, LEVEL.route, notes);
    } else if (target.kind === "AgentgatewayBackend") {
      const backend = to.backends.get(targetKey);
      if (!backend) {
        notes.todo(
          resource,
          ["spec"],
          `AgentgatewayBackend ${target.name} is not in the resources, or cannot be served here: the policy is not applied`,
        );
        continue;
      }
      const policies = { ...record(backend.policies) };
      const output = ["backends", [...to.backends.keys()].indexOf(targetKey), "policies"];
      for (const field of policy.fields) {
        if (field.key !== "mcpAuthorization") {
          notes.todo(
            resource,
            field.from,
            `a ${field.key} policy on a backend is not carried over`,
          );
          continue;
        }
        policies[field.key] = field.value;
        madeFromField([...output, field.key], resource, field, notes);
      }
      backend.policies = policies;
    } else {
      notes.todo(
        resource,
        ["spec"],
        `a policy on a ${target.kind} is not carried over: Gatehouse attaches to Gateway, HTTPRoute and AgentgatewayBackend`,
      );
    }
  }
}

/** targetRefs as they are; targetSelectors resolved against the labels of the resources given. */
function resolveTargets(
  policy: ImportedPolicy,
  resources: readonly Resource[],
): { kind: string; name: string; sectionName?: string }[] {
  return policy.targets.flatMap((target: PolicyTarget) => {
    if ("name" in target) return [target];
    return resources
      .filter(
        (r) =>
          r.kind === target.kind &&
          r.namespace === policy.resource.namespace &&
          Object.entries(target.matchLabels).every(
            ([label, value]) => record(record(r.body.metadata).labels)[label] === value,
          ),
      )
      .map((r) => ({ kind: r.kind, name: r.name, sectionName: target.sectionName }));
  });
}

/**
 * A pre-routing policy: on each listener of the local gateway, or the one its section names
 * (a local gateway with listeners takes policies on each of them, not on itself).
 */
function attachToGateway(
  policy: ImportedPolicy,
  gateway: LocalGateway,
  sectionName: string | undefined,
  notes: BridgeNotes,
): void {
  const holders = gateway.listeners.flatMap((listener, i) =>
    sectionName === undefined || listener.name === sectionName
      ? [{ holder: listener, output: ["gateways", gateway.name, "listeners", i] }]
      : [],
  );
  for (const { holder, output } of holders) {
    holder.policies ??= {};
    for (const field of policy.fields) {
      if (field.key === "mcpAuthorization") {
        notes.todo(
          policy.resource,
          field.from,
          "an MCP authorization before routing has no local counterpart",
        );
      } else if (holder.policies[field.key] === undefined) {
        holder.policies[field.key] = field.value;
        madeFromField([...output, field.key], policy.resource, field, notes);
      } else {
        notes.info(
          policy.resource,
          field.from,
          `${field.key} is also set by an earlier policy on the same Gateway: that one applies`,
        );
      }
    }
  }
}

function attachToRoute(
  policy: ImportedPolicy,
  route: LocalRoute,
  level: number,
  notes: BridgeNotes,
): void {
  for (const field of policy.fields) {
    const held = route.attached.get(field.key);
    if (!held || level > held.level) {
      route.attached.set(field.key, { field, policy: policy.resource, level });
    } else if (level === held.level) {
      notes.info(
        policy.resource,
        field.from,
        `${field.key} of ${route.resource.label} is also set by ${held.policy.label}, which comes first and applies`,
      );
    }
  }
}

/** Records where a policy came from, and each of its rules. */
function madeFromField(
  output: OutputPath,
  policy: Resource,
  field: PolicyField,
  notes: BridgeNotes,
): void {
  notes.madeFrom(output, policy, field.from);
  const { rulesFrom } = field;
  if (!rulesFrom) return;
  const { rules } = field.value as { rules: unknown[] };
  rules.forEach((_, i) => notes.madeFrom([...output, "rules", i], policy, [...rulesFrom, i]));
}

function localRoute(route: LocalRoute, index: number, notes: BridgeNotes): Record<string, unknown> {
  const output: OutputPath = ["routes", index];
  notes.madeFrom(output, route.resource, route.path);
  const policies: Record<string, unknown> = {};
  for (const [name, { value, from }] of Object.entries(route.policies)) {
    policies[name] = value;
    notes.madeFrom([...output, "policies", name], route.resource, from);
  }
  for (const [name, { field, policy }] of route.attached) {
    policies[name] = field.value;
    madeFromField([...output, "policies", name], policy, field, notes);
  }
  const { name, ...rest } = route.route;
  return {
    name,
    gateways: route.gateways.length === 1 ? route.gateways[0] : route.gateways,
    ...rest,
    ...(Object.keys(policies).length ? { policies } : {}),
  };
}
