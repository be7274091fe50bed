/**
 * The OTLP receiver's origin, from the `host` of a tracing policy: `host:port`, which
 * agentgateway reads as plain HTTP (gRPC's h2c, for the usual `localhost:4317`), or an http(s)
 * URL without a path (`path` says where spans go).
 */
export function otlpOrigin(host: string): { origin: string } | { error: string } {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
  let url: URL;
  try {
    url = new URL(hasScheme ? host : `http://${host}`);
  } catch {
    return { error: `"${host}" is not host:port or a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { error: `"${host}" must be host:port, or an http:// or https:// URL` };
  }
  if (!hasScheme && url.port === "")
    return { error: `"${host}" needs a port, as in localhost:4317` };
  if (url.pathname !== "/" || url.search !== "" || url.username !== "") {
    return { error: `"${host}" must be an address only: the OTLP path goes in "path"` };
  }
  return { origin: url.origin };
}
