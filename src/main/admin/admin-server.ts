import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Dispatch } from "../app/api/dispatch";
import { AdminAuth, refuseUnsignedIn } from "./admin-auth";
import { answerApiCall } from "./api-call";
import { streamEvents, type Subscribe } from "./event-stream";
import { adminRequestViolation } from "./request-guard";
import { serveStaticFile } from "./static-files";

export const DEFAULT_ADMIN_PORT = 15000;

export interface AdminUiOptions {
  dispatch: Dispatch;
  subscribe: Subscribe;
  /** The built renderer (out/renderer): index.html and its assets. */
  rendererDir: string;
}

export interface AdminServerOptions {
  port: number;
  jwksPath: string;
  /** Serve the web UI and its API too (the headless mode's stand-in for the desktop window). */
  ui?: AdminUiOptions;
}

export interface AdminServer {
  url: string;
  /** The link that signs a browser in to the web UI: it carries this run's admin token. */
  uiLink?: string;
  close(): Promise<void>;
}

/**
 * The admin server of the headless mode, on loopback only. It serves the keystore's public
 * JWKS at `/.well-known/jwks.json` to anyone, so a gateway elsewhere can trust Gatehouse's
 * tokens by URL; with `ui`, it also serves the web UI at `/ui/` and its API at `/api/`, both
 * behind the per-run admin token.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server = createServer();
  await listen(server, options.port);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const auth = new AdminAuth(port);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    answer(req, res, options, auth).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(error.message);
    });
  });
  return {
    url,
    ...(options.ui && { uiLink: `${url}/ui?token=${auth.token}` }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `admin port ${port} is already in use: choose another with --admin-port`
            : `cannot start the admin server on port ${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", resolve);
  });
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  options: AdminServerOptions,
  auth: AdminAuth,
): Promise<void> {
  const violation = adminRequestViolation(req);
  if (violation) return text(res, 403, violation);
  const { pathname, searchParams } = new URL(req.url ?? "/", "http://admin");

  if (pathname === "/.well-known/jwks.json" && req.method === "GET") {
    return answerJwks(res, options.jwksPath);
  }
  const ui = options.ui;
  const isUi = pathname === "/ui" || pathname.startsWith("/ui/");
  const isApi = pathname.startsWith("/api/");
  if (!ui || !(isUi || isApi)) return text(res, 404, "not found");

  if (pathname === "/ui" && req.method === "GET") return signIn(req, res, auth, searchParams);
  if (!auth.isSignedIn(req)) return refuseUnsignedIn(res, isApi);

  if (pathname === "/api/call" && req.method === "POST")
    return answerApiCall(req, res, ui.dispatch);
  if (pathname === "/api/events" && req.method === "GET") return streamEvents(res, ui.subscribe);
  if (isUi && req.method === "GET") {
    const served = await serveStaticFile(res, ui.rendererDir, pathname.slice("/ui/".length));
    if (served) return;
  }
  text(res, 404, "not found");
}

/**
 * `/ui?token=…` trades the printed link for a session cookie and moves on to `/ui/`, so the
 * token leaves the address bar (and the history) at once. `/ui` with the cookie just moves on.
 */
function signIn(
  req: IncomingMessage,
  res: ServerResponse,
  auth: AdminAuth,
  query: URLSearchParams,
): void {
  const token = query.get("token");
  if (auth.accepts(token)) {
    res.writeHead(303, {
      Location: "/ui/",
      "Set-Cookie": auth.cookie(),
      "Referrer-Policy": "no-referrer",
    });
    res.end();
  } else if (token === null && auth.isSignedIn(req)) {
    res.writeHead(303, { Location: "/ui/" }).end();
  } else {
    refuseUnsignedIn(res, false);
  }
}

async function answerJwks(res: ServerResponse, jwksPath: string): Promise<void> {
  // The keystore writes the file atomically, so reading it per request is always current.
  const jwks = await readFile(jwksPath, "utf8").catch(() => '{"keys":[]}');
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "max-age=60" });
  res.end(jwks);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(body);
}
