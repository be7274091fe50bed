/** A server's `capabilities` from its initialize answer: nested objects, with boolean flags. */
export type Capabilities = Record<string, unknown>;

/**
 * What a session of several targets can route, and so the most it may advertise: a client that
 * sees a capability will use it, and one that no target behind the gateway can serve fails the
 * client's whole connection. `experimental` and extensions are left out, since methods the
 * gateway does not know cannot be routed by name; task ids carry their target (`<target>+<id>`),
 * so tasks are routed back to the target that created them.
 */
const ROUTABLE: Capabilities = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { subscribe: true, listChanged: true },
  logging: {},
  completions: {},
  tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
};

/**
 * The lists whose changes a target announces, where it declared `listChanged` for them: the
 * notification, how a 2026-07-28 `subscriptions/listen` filter asks for it, and the kind of
 * item the list holds.
 */
export const LIST_CHANGES = [
  {
    flag: "toolsListChanged",
    method: "notifications/tools/list_changed",
    capability: "tools",
    kind: "tool",
  },
  {
    flag: "promptsListChanged",
    method: "notifications/prompts/list_changed",
    capability: "prompts",
    kind: "prompt",
  },
  {
    flag: "resourcesListChanged",
    method: "notifications/resources/list_changed",
    capability: "resources",
    kind: "resource",
  },
] as const;

/**
 * What a server may ask its client, and the client capability that allows it: in 2025 as a
 * request of its own, in 2026-07-28 as an entry of an `input_required` result. A map, so that
 * no method name can find a property every object has.
 */
export const INPUT_CAPABILITY: ReadonlyMap<string, string> = new Map([
  ["elicitation/create", "elicitation"],
  ["sampling/createMessage", "sampling"],
  ["roots/list", "roots"],
]);

/**
 * The capability a target must have declared to be sent a method, as a path into its
 * capabilities. Methods not listed here are not sent to several targets at once.
 */
const NEEDED: Record<string, readonly string[]> = {
  "tools/list": ["tools"],
  "prompts/list": ["prompts"],
  "resources/list": ["resources"],
  "resources/templates/list": ["resources"],
  "logging/setLevel": ["logging"],
  "tasks/list": ["tasks", "list"],
};

/** Whether a target that declared `capabilities` is to be sent `method` in a fan-out. */
export function serves(capabilities: Capabilities, method: string): boolean {
  let at: unknown = capabilities;
  for (const key of NEEDED[method] ?? []) {
    if (typeof at !== "object" || at === null) return false;
    at = (at as Capabilities)[key];
  }
  return at !== undefined && at !== false;
}

/** The name of the capability `method` needs, for a person reading the log. */
export function neededCapability(method: string): string {
  return (NEEDED[method] ?? [method]).join(".");
}

/**
 * The capabilities of several targets as one server's: each capability and flag that at least
 * one target declared, within what the gateway can route.
 */
export function mergeCapabilities(declared: Capabilities[]): Capabilities {
  const merged: Capabilities = {};
  for (const capabilities of declared) addRoutable(ROUTABLE, capabilities, merged);
  return merged;
}

function addRoutable(shape: Capabilities, declared: unknown, into: Capabilities): void {
  if (typeof declared !== "object" || declared === null) return;
  for (const [key, allowed] of Object.entries(shape)) {
    const value = (declared as Capabilities)[key];
    if (value === undefined || value === false) continue;
    if (allowed === true) {
      if (value === true) into[key] = true;
    } else {
      addRoutable(allowed as Capabilities, value, (into[key] ??= {}) as Capabilities);
    }
  }
}
