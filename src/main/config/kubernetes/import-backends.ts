import type { BridgeNotes, OutputPath } from "./bridge-notes";
import { list, readBackendPolicies, record } from "./import-policies";
import type { Resource } from "./resource-set";

/** agentgateway's Kubernetes enums for an MCP backend, to the local config's words. */
const SESSION_ROUTING: Record<string, string> = { Stateful: "stateful", Stateless: "stateless" };
const FAILURE_MODES: Record<string, string> = { FailClosed: "failClosed", FailOpen: "failOpen" };
const PREFIX_MODES: Record<string, string> = {
  Conditional: "conditional",
  Always: "always",
  Never: "never",
};

/** The default path of each protocol, as agentgateway fills it in. */
const DEFAULT_PATHS: Record<string, string> = { StreamableHTTP: "/mcp", SSE: "/sse" };

/**
 * An `AgentgatewayBackend` with MCP targets as a named local backend, or undefined when none of
 * its targets has a meaning on this machine (each one says why in a note).
 */
export function readAgentgatewayBackend(
  resource: Resource,
  notes: BridgeNotes,
  output: OutputPath,
): Record<string, unknown> | undefined {
  const spec = record(resource.body.spec);
  if (spec.mcp === undefined) {
    const kind = Object.keys(spec).find((key) => key !== "policies") ?? "empty";
    notes.todo(
      resource,
      ["spec"],
      `a ${kind} backend is not an MCP backend: Gatehouse serves MCP backends only`,
    );
    return undefined;
  }
  notes.unread(resource, ["spec"], spec, ["mcp", "policies"]);
  const mcp = record(spec.mcp);
  notes.unread(resource, ["spec", "mcp"], mcp, [
    "targets",
    "sessionRouting",
    "failureMode",
    "prefixMode",
  ]);
  const targets = list(mcp.targets).flatMap((target, i) => {
    const made = readTarget(resource, ["spec", "mcp", "targets", i], record(target), notes, [
      ...output,
      "mcp",
    ]);
    if (made)
      notes.madeFrom([...output, "mcp", "targets", i], resource, ["spec", "mcp", "targets", i]);
    return made ? [made] : [];
  });
  if (!targets.length) {
    notes.todo(
      resource,
      ["spec", "mcp", "targets"],
      "no target of this backend can be served here, so the routes to it are left out",
    );
    return undefined;
  }
  const options = {
    ...word(resource, mcp, "sessionRouting", "statefulMode", SESSION_ROUTING, notes),
    ...word(resource, mcp, "failureMode", "failureMode", FAILURE_MODES, notes),
    ...word(resource, mcp, "prefixMode", "prefixMode", PREFIX_MODES, notes),
  };
  const policies = backendPolicies(resource, spec.policies, notes, output);
  return { name: resource.name, mcp: { targets, ...options }, ...policies };
}

/** `static: {host, port, path, protocol}` as a target URL; `selector` has no local meaning. */
function readTarget(
  resource: Resource,
  path: PropertyKey[],
  target: Record<string, unknown>,
  notes: BridgeNotes,
  output: OutputPath,
): Record<string, unknown> | undefined {
  const name = typeof target.name === "string" ? target.name : undefined;
  if (target.selector !== undefined) {
    notes.todo(
      resource,
      [...path, "selector"],
      `target "${name}" selects Services by label, which exist only in the cluster: add a target with the server's URL (or its command) here`,
      output,
    );
    return undefined;
  }
  const staticTarget = record(target.static);
  const at = [...path, "static"];
  if (!name || target.static === undefined) {
    notes.todo(resource, path, "a target needs a name and static (or selector)", output);
    return undefined;
  }
  notes.unread(
    resource,
    at,
    staticTarget,
    ["host", "port", "path", "protocol", "policies"],
    output,
  );
  if (staticTarget.backendRef !== undefined) {
    notes.todo(
      resource,
      [...at, "backendRef"],
      `target "${name}" names a Service, which exists only in the cluster: replace it with the server's URL`,
      output,
    );
    return undefined;
  }
  const protocol =
    typeof staticTarget.protocol === "string" ? staticTarget.protocol : "StreamableHTTP";
  const defaultPath = DEFAULT_PATHS[protocol];
  if (!defaultPath) {
    notes.todo(
      resource,
      [...at, "protocol"],
      `protocol is StreamableHTTP or SSE, not "${protocol}"`,
      output,
    );
    return undefined;
  }
  const { host, port } = staticTarget;
  if (typeof host !== "string" || typeof port !== "number") {
    notes.todo(resource, at, `target "${name}" needs host and port`, output);
    return undefined;
  }
  const tls = readTls(
    resource,
    [...at, "policies"],
    record(staticTarget.policies),
    host,
    notes,
    output,
  );
  const targetPath = typeof staticTarget.path === "string" ? staticTarget.path : defaultPath;
  const url = targetUrl(tls ? "https" : "http", host, port, targetPath);
  if (host.endsWith(".svc.cluster.local") || host.endsWith(".svc")) {
    notes.info(
      resource,
      [...at, "host"],
      `${host} is a cluster-internal name: it resolves only inside the cluster`,
      output,
    );
  }
  return { name, [protocol === "SSE" ? "sse" : "mcp"]: { host: url } };
}

/** `policies.tls` means HTTPS; the SNI agentgateway sends by default is the host itself. */
function readTls(
  resource: Resource,
  path: PropertyKey[],
  policies: Record<string, unknown>,
  host: string,
  notes: BridgeNotes,
  output: OutputPath,
): boolean {
  notes.unread(resource, path, policies, ["tls"], output);
  if (policies.tls === undefined) return false;
  const tls = record(policies.tls);
  notes.unread(resource, [...path, "tls"], tls, ["sni"], output);
  if (tls.sni !== undefined && tls.sni !== host) {
    notes.todo(
      resource,
      [...path, "tls", "sni"],
      `sni "${String(tls.sni)}" differs from the host: Gatehouse sends the host's name`,
      output,
    );
  }
  return true;
}

function targetUrl(scheme: string, host: string, port: number, path: string): string {
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = new URL(`${scheme}://${hostPart}:${port}`);
  url.pathname = path.startsWith("/") ? path : `/${path}`;
  return url.toString();
}

/** `spec.policies` of the backend: the MCP authorization, as the local backend's `policies`. */
function backendPolicies(
  resource: Resource,
  value: unknown,
  notes: BridgeNotes,
  output: OutputPath,
): { policies?: Record<string, unknown> } {
  const fields = readBackendPolicies(resource, ["spec", "policies"], value, notes);
  if (!fields.length) return {};
  notes.madeFrom([...output, "policies"], resource, ["spec", "policies"]);
  return { policies: Object.fromEntries(fields.map((field) => [field.key, field.value])) };
}

function word(
  resource: Resource,
  mcp: Record<string, unknown>,
  key: string,
  localKey: string,
  words: Record<string, string>,
  notes: BridgeNotes,
): Record<string, string> {
  const value = mcp[key];
  if (value === undefined) return {};
  const local = typeof value === "string" ? words[value] : undefined;
  if (!local) {
    notes.todo(
      resource,
      ["spec", "mcp", key],
      `${key} is ${Object.keys(words).join(", ")}, not "${String(value)}"`,
    );
    return {};
  }
  return { [localKey]: local };
}
