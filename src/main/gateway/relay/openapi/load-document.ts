import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { OpenApiSchemaSource } from "../../../config/model";
import { readBounded } from "../read-bounded";
import { fetchFailure } from "../../fetch-failure";

/**
 * The largest document read, from a file or a URL. The biggest public API descriptions (GitHub's,
 * Stripe's) are around 10 MiB of JSON; past this, it is a mistake or an attack.
 */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
/** How long a URL gets to answer, body included. */
const FETCH_TIMEOUT_MS = 10_000;
/** YAML aliases resolved at most: an alias bomb is refused instead of expanded into memory. */
const MAX_ALIASES = 100;

/**
 * An OpenAPI document as agentgateway's `schema: FileInlineOrRemote` gives it: the text itself,
 * a file (relative to the working directory, as agentgateway reads it) or a URL, in JSON or
 * YAML. Throws an Error whose message says what could not be read, and why.
 */
export async function loadDocument(source: OpenApiSchemaSource, cwd: string): Promise<unknown> {
  if (typeof source === "string") return parseText(source, "the inline OpenAPI document");
  if ("file" in source) {
    const path = resolve(cwd, source.file);
    return parseText(await readFileBounded(path), `the OpenAPI document ${path}`);
  }
  return parseText(await fetchBounded(source.url), `the OpenAPI document at ${source.url}`);
}

async function readFileBounded(path: string): Promise<string> {
  let file;
  try {
    file = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new Error(`cannot read the OpenAPI document ${path}: ${reason}`, { cause: error });
  }
  try {
    const tooLarge = `the OpenAPI document ${path} is larger than ${sizeLimit()}`;
    // The size first, to refuse a large file unread; the bounded read for what has none (a pipe).
    if ((await file.stat()).size > MAX_DOCUMENT_BYTES) throw new Error(tooLarge);
    const text = await readBounded(file.createReadStream({ autoClose: false }), MAX_DOCUMENT_BYTES);
    if (!text) throw new Error(tooLarge);
    return text.toString("utf8");
  } finally {
    await file.close();
  }
}

async function fetchBounded(url: string): Promise<string> {
  const what = `the OpenAPI document at ${url}`;
  let status: number;
  let body: Buffer | null | undefined;
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.1" },
    });
    status = response.status;
    if (!response.ok) await response.body?.cancel();
    else body = response.body && (await readBounded(response.body, MAX_DOCUMENT_BYTES));
  } catch (error) {
    throw new Error(`${what} could not be fetched: ${fetchFailure(error, FETCH_TIMEOUT_MS)}`, {
      cause: error,
    });
  }
  if (status < 200 || status > 299) throw new Error(`${what} could not be fetched: HTTP ${status}`);
  if (body === undefined) throw new Error(`${what} is larger than ${sizeLimit()}`);
  return body?.toString("utf8") ?? "";
}

/** JSON first, the usual form and the fast parse; else YAML, of which JSON is a subset. */
function parseText(text: string, what: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all (YAML flow style starts with "{" too): the YAML parser says why.
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    const reason = error.message.split("\n")[0];
    throw new Error(`${what} is not valid JSON or YAML (line ${line}, column ${col}): ${reason}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new Error(`${what} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

function sizeLimit(): string {
  return `${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;
}
