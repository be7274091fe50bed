import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves one file of the built renderer. `relativePath` is the URL path below the UI's prefix,
 * still percent-encoded; a path that leaves `root` (`..`, encoded or not) is not found.
 * Returns false when there is no such file, so the caller answers 404.
 */
export async function serveStaticFile(
  res: ServerResponse,
  root: string,
  relativePath: string,
): Promise<boolean> {
  const file = confine(root, relativePath === "" ? "index.html" : relativePath);
  if (!file) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  const isHtml = extname(file) === ".html";
  res.writeHead(200, {
    "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    // index.html names the current asset files: it must be fetched anew after a rebuild. The
    // assets carry a content hash in their names, so they may be cached for good.
    "Cache-Control": isHtml ? "no-cache" : "max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    ...(isHtml && { "Content-Security-Policy": "frame-ancestors 'none'" }),
  });
  res.end(await readFile(file));
  return true;
}

function confine(root: string, relativePath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relativePath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  return file.startsWith(base + sep) ? file : undefined;
}
