import { readFile } from "node:fs/promises";
import { rendererContentType, rendererFile } from "../app/renderer-files";

/**
 * The renderer is served from `app://gatehouse/`, a privileged standard scheme, rather than from
 * file://: the page gets an origin of its own (so the CSP's 'self' means the renderer's files
 * and nothing else on disk), and only the files of the built renderer can ever be read by it.
 */
export const APP_SCHEME = "app";
export const APP_HOST = "gatehouse";

/** The registration Electron needs before `ready` for the scheme to behave like https. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** The renderer route the tray's "Open denial log" shows: the request log, denials only. */
export const DENIAL_LOG_ROUTE = "/requests?denied=1";

/** The app's page, at a renderer hash route such as `/requests?denied=1`. */
export function appPageUrl(route?: string): string {
  return `${APP_SCHEME}://${APP_HOST}/${route === undefined ? "" : `#${route}`}`;
}

/** Whether a frame shows the app's own page (at any hash route), and may use the bridge. */
export function isAppPage(frameUrl: string): boolean {
  const url = parseAppUrl(frameUrl);
  return url !== undefined && (url.pathname === "/" || url.pathname === "/index.html");
}

export type AppFile =
  { found: true; path: string; contentType: string } | { found: false; reason: string };

/**
 * The file under `rendererDir` a request for `requestUrl` names: `/` is index.html, any other
 * path the file at that path. Anything that could name a file outside the folder (a `..`
 * segment, plain or encoded, an encoded separator, an empty segment, another host or scheme)
 * is refused before a path is built, and the built path is checked to be inside the folder.
 */
export function resolveAppFile(requestUrl: string, rendererDir: string): AppFile {
  const url = parseAppUrl(requestUrl);
  if (url === undefined) return { found: false, reason: "not an app:// URL of this app" };
  const path = rendererFile(rendererDir, url.pathname.slice(1));
  if (path === undefined) return { found: false, reason: "not a file of the renderer" };
  return { found: true, path, contentType: rendererContentType(path) };
}

/**
 * Answers one request on the app scheme with the renderer's file: the handler given to
 * `protocol.handle`. Only reads are answered; what is not found is a 404, the same whether it
 * was refused or missing, so a page cannot probe the disk.
 */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed", { status: 405, headers: { Allow: "GET, HEAD" } });
  }
  const file = resolveAppFile(request.url, rendererDir);
  if (!file.found) return notFound();
  let body: Buffer;
  try {
    body = await readFile(file.path);
  } catch {
    return notFound();
  }
  return new Response(request.method === "HEAD" ? null : new Uint8Array(body), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(body.length),
      "X-Content-Type-Options": "nosniff",
    },
  });
}

function notFound(): Response {
  return new Response("not found", { status: 404, headers: { "Content-Type": "text/plain" } });
}

function parseAppUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST ? url : undefined;
  } catch {
    return undefined;
  }
}
