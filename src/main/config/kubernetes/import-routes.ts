import type { BridgeNotes } from "./bridge-notes";
import { list, record } from "./import-policies";
import type { Resource } from "./resource-set";

/** An HTTPRoute rule on its way to a local route: its parents are resolved by the importer. */
export interface RouteDraft {
  resource: Resource;
  /** The rule's `name`, which a policy's `sectionName` selects. */
  ruleName?: string;
  /** Where the rule is in the HTTPRoute. */
  path: PropertyKey[];
  parents: { name: string; namespace: string; sectionName?: string; port?: number }[];
  /** The route as the local config writes it, less `gateways` and `policies`. */
  route: Record<string, unknown>;
  /** Policies the route itself carries (its filters), with where each was written. */
  policies: Record<string, { value: unknown; from: PropertyKey[] }>;
  /** The AgentgatewayBackend it sends to. */
  backend: { name: string; namespace: string };
}

const PATH_MATCH_KEYS: Record<string, string> = { PathPrefix: "pathPrefix", Exact: "exact" };

/** Gateway API filters that are local policies of the same meaning. */
const FILTERS: Record<string, (filter: Record<string, unknown>) => [string, unknown]> = {
  RequestHeaderModifier: (f) => ["requestHeaderModifier", headerModifier(f.requestHeaderModifier)],
  ResponseHeaderModifier: (f) => [
    "responseHeaderModifier",
    headerModifier(f.responseHeaderModifier),
  ],
  CORS: (f) => ["cors", cors(record(f.cors))],
};

/**
 * Each rule of an HTTPRoute, as a local route: its path matches, its filters as policies, and
 * the AgentgatewayBackend it sends to. A rule that cannot be served here is left out, in a note.
 */
export function readHttpRoute(resource: Resource, notes: BridgeNotes): RouteDraft[] {
  const spec = record(resource.body.spec);
  notes.unread(resource, ["spec"], spec, ["parentRefs", "hostnames", "rules"]);
  const parents = list(spec.parentRefs).flatMap((ref, i) => {
    const r = record(ref);
    notes.unread(resource, ["spec", "parentRefs", i], r, [
      "group",
      "kind",
      "name",
      "namespace",
      "sectionName",
      "port",
    ]);
    if ((r.kind ?? "Gateway") !== "Gateway" || typeof r.name !== "string") {
      notes.todo(
        resource,
        ["spec", "parentRefs", i],
        `only a Gateway can be a parent here, not a ${String(r.kind)}`,
      );
      return [];
    }
    return [
      {
        name: r.name,
        namespace: typeof r.namespace === "string" ? r.namespace : resource.namespace,
        ...(typeof r.sectionName === "string" ? { sectionName: r.sectionName } : {}),
        ...(typeof r.port === "number" ? { port: r.port } : {}),
      },
    ];
  });
  const hostnames = list(spec.hostnames).filter((h) => typeof h === "string");
  const rules = list(spec.rules);
  return rules.flatMap((rule, i) => {
    const path = ["spec", "rules", i];
    const draft = readRule(resource, path, record(rule), notes);
    if (!draft) return [];
    const name = rules.length > 1 && !draft.ruleName ? `${resource.name}-${i}` : resource.name;
    return [
      {
        resource,
        path,
        parents,
        ...draft,
        route: {
          name,
          ...(draft.ruleName ? { ruleName: draft.ruleName } : {}),
          ...(hostnames.length ? { hostnames } : {}),
          ...draft.route,
        },
      },
    ];
  });
}

function readRule(
  resource: Resource,
  path: PropertyKey[],
  rule: Record<string, unknown>,
  notes: BridgeNotes,
): Omit<RouteDraft, "resource" | "path" | "parents"> | undefined {
  notes.unread(resource, path, rule, ["name", "matches", "filters", "backendRefs"]);
  const backend = readBackendRefs(
    resource,
    [...path, "backendRefs"],
    list(rule.backendRefs),
    notes,
  );
  if (!backend) return undefined;
  const matches = list(rule.matches).flatMap((match, m) =>
    readMatch(resource, [...path, "matches", m], record(match), notes),
  );
  if (list(rule.matches).length && !matches.length) {
    notes.todo(
      resource,
      [...path, "matches"],
      "none of the rule's matches can be served here, so the rule is left out",
    );
    return undefined;
  }
  const policies: RouteDraft["policies"] = {};
  list(rule.filters).forEach((filter, f) => {
    const at = [...path, "filters", f];
    const value = record(filter);
    const read = typeof value.type === "string" ? FILTERS[value.type] : undefined;
    if (!read) {
      notes.todo(resource, at, `the ${String(value.type)} filter is not carried over by Gatehouse`);
      return;
    }
    const [key, config] = read(value);
    policies[key] = { value: config, from: at };
  });
  return {
    ...(typeof rule.name === "string" ? { ruleName: rule.name } : {}),
    route: matches.length ? { matches } : {},
    policies,
    backend,
  };
}

/** One MCP backend per rule: agentgateway's weighted split has no local counterpart. */
function readBackendRefs(
  resource: Resource,
  path: PropertyKey[],
  refs: unknown[],
  notes: BridgeNotes,
): RouteDraft["backend"] | undefined {
  const mcp = refs.flatMap((ref, i) => {
    const r = record(ref);
    if (r.kind === "AgentgatewayBackend" && typeof r.name === "string") {
      notes.unread(resource, [...path, i], r, ["group", "kind", "name", "namespace", "weight"]);
      const namespace = typeof r.namespace === "string" ? r.namespace : resource.namespace;
      return [{ name: r.name, namespace, at: i }];
    }
    notes.todo(
      resource,
      [...path, i],
      `${String(r.kind ?? "Service")} ${String(r.name)} is not an AgentgatewayBackend: a cluster Service has no meaning on this machine`,
    );
    return [];
  });
  const [first, ...others] = mcp;
  for (const other of others) {
    notes.todo(
      resource,
      [...path, other.at],
      "a route sends to one MCP backend here: only the first is imported",
    );
  }
  if (!first) {
    notes.todo(resource, path, "the rule sends to no AgentgatewayBackend, so it is left out");
    return undefined;
  }
  return { name: first.name, namespace: first.namespace };
}

function readMatch(
  resource: Resource,
  path: PropertyKey[],
  match: Record<string, unknown>,
  notes: BridgeNotes,
): unknown[] {
  notes.unread(resource, path, match, ["path"]);
  const pathMatch = record(match.path);
  const type = typeof pathMatch.type === "string" ? pathMatch.type : "PathPrefix";
  const key = PATH_MATCH_KEYS[type];
  if (!key) {
    notes.todo(
      resource,
      [...path, "path", "type"],
      `${type} path matches are not supported by Gatehouse: PathPrefix and Exact are`,
    );
    return [];
  }
  const value = typeof pathMatch.value === "string" ? pathMatch.value : "/";
  return [{ path: { [key]: value } }];
}

/** Gateway API's lists of `{name, value}` as the local maps from name to value. */
function headerModifier(value: unknown): Record<string, unknown> {
  const modifier = record(value);
  const asMap = (entries: unknown) =>
    Object.fromEntries(list(entries).map((entry) => [record(entry).name, record(entry).value]));
  return {
    ...(modifier.set ? { set: asMap(modifier.set) } : {}),
    ...(modifier.add ? { add: asMap(modifier.add) } : {}),
    ...(modifier.remove ? { remove: list(modifier.remove) } : {}),
  };
}

/** Gateway API's CORS filter; its `maxAge` is in seconds, the local one a duration. */
function cors(filter: Record<string, unknown>): Record<string, unknown> {
  const { maxAge, ...rest } = filter;
  return { ...rest, ...(typeof maxAge === "number" ? { maxAge: `${maxAge}s` } : {}) };
}
