/** The `redirectURI` of an `oidc` policy: where the identity provider sends the browser back. */
export interface RedirectUri {
  /** As written: what the provider is told, and must have registered. */
  href: string;
  /** The path the gateway answers as the callback, as a browser sends it. */
  path: string;
  /** Whether the gateway is reached over HTTPS there: its cookies are then `Secure`. */
  https: boolean;
}

/**
 * Reads a `redirectURI` with agentgateway's rules: an absolute http(s) URL with a host, no user
 * info, query or fragment, and an explicit path that means one thing only (no dot segments, no
 * encoded slashes), so that the callback is matched exactly, whatever normalizes paths later.
 * Returns the problem in words when it is not such a URL.
 */
export function parseRedirectUri(href: string): RedirectUri | string {
  if (!URL.canParse(href)) return `redirectURI must be an absolute URL, not "${href}"`;
  const url = new URL(href);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `redirectURI must use http or https, not ${url.protocol.slice(0, -1)}`;
  }
  if (url.hostname === "") return "redirectURI must include a host";
  if (url.username !== "" || url.password !== "") return "redirectURI must not contain userinfo";
  if (href.includes("#")) return "redirectURI must not contain a fragment";
  if (href.includes("?")) return "redirectURI must not contain query parameters";
  // The path as written: the URL parser would resolve the dot segments the rules refuse.
  const path = href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  if (path === "" || path === "/") return "redirectURI path must be explicit and non-root";
  for (const segment of path.split("/").slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "redirectURI path contains invalid percent-encoding";
    }
    if (decoded === "." || decoded === "..") {
      return "redirectURI path must not contain dot segments";
    }
    if (decoded.includes("/") || decoded.includes("\\")) {
      return "redirectURI path must not contain encoded slash or backslash characters";
    }
  }
  return { href, path: url.pathname, https: url.protocol === "https:" };
}
