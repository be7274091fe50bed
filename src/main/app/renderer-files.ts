import { extname, isAbsolute, join, relative } from "node:path";

/**
 * The files of the built renderer, as the web mode's admin server and the desktop's app://
 * scheme both serve them: one mapping from a URL path to a file that cannot leave the folder.
 */

/**
 * The file under `rendererDir` that a URL path names, still percent-encoded and without its
 * leading "/": "" is index.html. Anything that could name a file outside the folder (a `..`
 * segment, plain or encoded, an encoded separator, an empty segment, NUL) is refused before a
 * path is built, and the built path is checked to be inside the folder.
 */
export function rendererFile(rendererDir: string, encodedPath: string): string | undefined {
  const encoded = encodedPath === "" ? ["index.html"] : encodedPath.split("/");
  const segments: string[] = [];
  for (const segment of encoded) {
    const name = fileName(segment);
    if (name === undefined) return undefined;
    segments.push(name);
  }
  const path = join(rendererDir, ...segments);
  const inside = relative(rendererDir, path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside) ? undefined : path;
}

/** A path segment as a file name, or undefined when it is not one (`..`, a separator, NUL). */
function fileName(segment: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  const isName = name !== "" && name !== "." && name !== ".." && !/[/\\:\0]/.test(name);
  return isName ? name : undefined;
}

// What the built renderer contains; anything else is served as bytes the page cannot run.
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

export function rendererContentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}
