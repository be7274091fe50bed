import type { PathMatch } from "../config/model";
import type { CompiledListener, CompiledRoute } from "./runtime";

/**
 * The route for a request: among those whose host names and paths match, the one with the
 * longest matching path (as in the Gateway API); on a tie, the first in the config.
 */
export function matchRoute(
  listener: CompiledListener,
  hostname: string,
  path: string,
): CompiledRoute | undefined {
  let best: CompiledRoute | undefined;
  let bestLength = -1;
  for (const route of listener.routes) {
    if (!matchesHost(route.spec.hostnames, hostname)) continue;
    const length = matchLength(route.spec.paths, path);
    if (length > bestLength) {
      best = route;
      bestLength = length;
    }
  }
  return best;
}

function matchesHost(hostnames: string[], hostname: string): boolean {
  if (hostnames.length === 0) return true;
  return hostnames.some((pattern) =>
    pattern.startsWith("*.") ? hostname.endsWith(pattern.slice(1)) : pattern === hostname,
  );
}

/** How much of the path a route's matches cover; -1 when none matches. No matches: every path. */
function matchLength(matches: readonly PathMatch[], path: string): number {
  if (matches.length === 0) return 0;
  return bestPathMatch(matches, path)?.value.length ?? -1;
}

/** Which of a route's path matches a path meets, the longest first; undefined when none does. */
export function bestPathMatch(matches: readonly PathMatch[], path: string): PathMatch | undefined {
  let best: PathMatch | undefined;
  for (const match of matches) {
    const { value } = match;
    const hit =
      match.kind === "exact"
        ? path === value
        : value.endsWith("/")
          ? path.startsWith(value)
          : path === value || path.startsWith(value + "/");
    if (hit && value.length > (best?.value.length ?? -1)) best = match;
  }
  return best;
}
