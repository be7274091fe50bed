import { readFile, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname } from "node:path";
import { rendererContentType, rendererFile } from "../app/renderer-files";

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
  const file = rendererFile(root, relativePath);
  if (!file) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  const isHtml = extname(file) === ".html";
  res.writeHead(200, {
    "Content-Type": rendererContentType(file),
    // index.html names the current asset files: it must be fetched anew after a rebuild. The
    // assets carry a content hash in their names, so they may be cached for good.
    "Cache-Control": isHtml ? "no-cache" : "max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    ...(isHtml && { "Content-Security-Policy": "frame-ancestors 'none'" }),
  });
  res.end(await readFile(file));
  return true;
}
