import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loopbackViolation } from "../gateway/policies/loopback-guard";

export const DEFAULT_ADMIN_PORT = 15000;

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The admin server of the headless mode, on loopback only. It serves the keystore's public
 * JWKS at `/.well-known/jwks.json`, so a gateway elsewhere can trust Gatehouse's tokens by URL.
 */
export async function startAdminServer(port: number, jwksPath: string): Promise<AdminServer> {
  const server = createServer((req, res) => void answer(req, res, jwksPath));
  await new Promise<void>((resolve, reject) => {
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, jwksPath: string): Promise<void> {
  const violation = loopbackViolation(req, () => false);
  if (violation) {
    res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" }).end(violation);
    return;
  }
  if (req.method !== "GET" || req.url !== "/.well-known/jwks.json") {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
    return;
  }
  // The keystore writes the file atomically, so reading it per request is always current.
  const jwks = await readFile(jwksPath, "utf8").catch(() => '{"keys":[]}');
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "max-age=60" });
  res.end(jwks);
}
