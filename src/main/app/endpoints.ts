import type { ListenerSpec, RouteSpec } from "../config/model";
import type { Gateway } from "../gateway/gateway";

/**
 * The URL clients use for a route: the listener's (with its real port), then the route's path,
 * or /mcp when the route matches every path. `display` shows 127.0.0.1 as localhost, the way
 * people write it into their clients' settings.
 */
export function routeEndpoint(
  gateway: Gateway,
  listener: ListenerSpec,
  route: RouteSpec,
  display: boolean,
): string {
  const base = listenerUrl(gateway, listener, display);
  const match = route.paths[0];
  return base + (match && match.value !== "/" ? match.value : "/mcp");
}

export function listenerUrl(gateway: Gateway, listener: ListenerSpec, display: boolean): string {
  const host = listener.address.includes(":") ? `[${listener.address}]` : listener.address;
  const url = gateway.urlOf(listener) ?? `http://${host}:${listener.port}`;
  return display ? url.replace("//127.0.0.1:", "//localhost:") : url;
}

/** The first route of the config, where the playground and client setup point. */
export function firstRoute(
  listeners: readonly ListenerSpec[],
): { listener: ListenerSpec; route: RouteSpec } | undefined {
  for (const listener of listeners) {
    const route = listener.routes[0];
    if (route) return { listener, route };
  }
  return undefined;
}
