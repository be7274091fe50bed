import type { CompiledListener } from "./runtime";

/**
 * Which of a socket's listeners serves a host name, as agentgateway picks one: the listener of
 * exactly that name, else the longest wildcard (`*.example.com`) it ends with, else the one
 * with no host name. `host` (lower case, no port) is only asked for when there is a choice.
 */
export function pickListener(
  listeners: readonly CompiledListener[],
  host: () => string,
): CompiledListener | undefined {
  const only = listeners.length === 1 ? listeners[0] : undefined;
  if (only && only.spec.hostname === undefined) return only;
  const name = host();
  let wildcard: CompiledListener | undefined;
  let any: CompiledListener | undefined;
  for (const listener of listeners) {
    const { hostname } = listener.spec;
    if (hostname === undefined) any ??= listener;
    else if (hostname === name) return listener;
    else if (
      hostname.startsWith("*.") &&
      name.endsWith(hostname.slice(1)) &&
      hostname.length > (wildcard?.spec.hostname?.length ?? 0)
    ) {
      wildcard = listener;
    }
  }
  return wildcard ?? any;
}
