import { mkdir, open, realpath, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  type ParseErrorCode,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from "jsonc-parser";
import writeFileAtomic from "write-file-atomic";
import { ClientConfigError } from "./client-config-error";
import { ENTRY_NAME, type McpClient } from "./mcp-clients";

/** Client config files are small; a far larger one is not one of them, and is not read. */
export const MAX_CLIENT_CONFIG_BYTES = 4 * 1024 * 1024;

/** A client's config file as it is now. */
export interface ClientConfigFile {
  /** The file as the client names it. */
  file: string;
  /** Where it is read and written: the file a symbolic link points to, so that the link stays. */
  target: string;
  /** Its text; undefined when there is no file yet. */
  text?: string;
}

/** Reads a client's file, refusing what is not a regular file or is larger than the bound. */
export async function readClientConfig(file: string): Promise<ClientConfigFile> {
  let target: string;
  try {
    target = await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { file, target: file };
    throw error;
  }
  const handle = await open(target, "r");
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ClientConfigError(`${file} is not a regular file`);
    if (stats.size > MAX_CLIENT_CONFIG_BYTES) {
      const megabytes = MAX_CLIENT_CONFIG_BYTES / 1024 / 1024;
      throw new ClientConfigError(
        `${file} is larger than ${megabytes} MB, more than any MCP client's config: it is left as it is`,
      );
    }
    const bytes = Buffer.alloc(stats.size);
    const { bytesRead } = await handle.read(bytes, 0, stats.size, 0);
    return { file, target, text: bytes.subarray(0, bytesRead).toString("utf8") };
  } finally {
    await handle.close();
  }
}

/** The file's text with Gatehouse's entry set to `entry`, every other key and comment kept. */
export function withServerEntry(
  config: ClientConfigFile,
  client: McpClient,
  entry: Record<string, unknown>,
): string {
  const text = contentOf(config);
  // Checked first: modify() would edit a document it cannot parse.
  parseClientConfig(config, client);
  const base = text.trim() === "" ? "{}" : text;
  const edits = modify(base, [client.serversKey, ENTRY_NAME], entry, {
    formattingOptions: {
      tabSize: 2,
      insertSpaces: true,
      eol: base.includes("\r\n") ? "\r\n" : "\n",
    },
  });
  const next = applyEdits(base, edits);
  return /\n$/.test(next) ? next : `${next}\n`;
}

/** Gatehouse's entry in the file: undefined when there is no file or no entry. */
export function serverEntry(
  config: ClientConfigFile,
  client: McpClient,
): Record<string, unknown> | undefined {
  const root = parseClientConfig(config, client);
  const node = root && findNodeAtLocation(root, [client.serversKey, ENTRY_NAME]);
  if (!node) return undefined;
  return node.type === "object" ? (getNodeValue(node) as Record<string, unknown>) : {};
}

/**
 * Writes the new text (0600 when it holds a token), after keeping the previous file beside it
 * as `<file>.bak-<time>`; creates the folder when missing. Returns the backup's path.
 */
export async function writeClientConfig(
  config: ClientConfigFile,
  text: string,
  holdsToken: boolean,
  now = new Date(),
): Promise<string | undefined> {
  await mkdir(dirname(config.target), { recursive: true });
  let backup: string | undefined;
  if (config.text !== undefined) {
    backup = `${config.target}.bak-${now.toISOString().replace(/[:.]/g, "-")}`;
    // Private whatever the original's mode: the previous file may hold a token too.
    await writeFile(backup, config.text, { mode: 0o600, flag: "wx" });
  }
  // Atomic, so a client reading the file meanwhile sees the old one or the new one. Without a
  // mode, write-file-atomic keeps the existing file's.
  await writeFileAtomic(config.target, text, holdsToken ? { mode: 0o600 } : {});
  return backup;
}

/**
 * The file's JSON tree (undefined when it is empty or missing), parsed as the client reads it:
 * JSON, or JSON with comments and trailing commas. Throws ClientConfigError at file:line:col.
 */
function parseClientConfig(config: ClientConfigFile, client: McpClient): Node | undefined {
  const text = contentOf(config);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: !client.jsonc,
    allowTrailingComma: client.jsonc,
    allowEmptyContent: true,
  });
  const error = errors[0];
  if (error) {
    const what = client.jsonc ? "JSON (with comments)" : "JSON";
    throw located(config, error.offset, `not valid ${what}: ${describeError(error.error, client)}`);
  }
  if (root && root.type !== "object") {
    throw located(config, root.offset, `the file holds a JSON ${root.type}, not an object`);
  }
  const servers = root && findNodeAtLocation(root, [client.serversKey]);
  if (servers && servers.type !== "object") {
    const message = `"${client.serversKey}" is a JSON ${servers.type}, not an object of servers`;
    throw located(config, servers.offset, message);
  }
  return root;
}

/** The text the client parses: a byte order mark, which editors on Windows write, is not JSON. */
function contentOf(config: ClientConfigFile): string {
  return (config.text ?? "").replace(/^\uFEFF/, "");
}

function located(config: ClientConfigFile, offset: number, message: string): ClientConfigError {
  const before = contentOf(config).slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return new ClientConfigError(`${config.file}:${line}:${col}: ${message}; nothing was written`);
}

/** jsonc-parser's error codes, by name (its enum is a const enum), in words. */
const ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: "an unexpected character",
  InvalidNumberFormat: "a malformed number",
  PropertyNameExpected: "a property name was expected (a trailing comma?)",
  ValueExpected: "a value was expected",
  ColonExpected: "a ':' was expected",
  CommaExpected: "a ',' was expected",
  CloseBraceExpected: "a '}' was expected",
  CloseBracketExpected: "a ']' was expected",
  EndOfFileExpected: "the file should end here",
  UnexpectedEndOfString: "a string does not end",
  UnexpectedEndOfComment: "a comment does not end",
};

function describeError(code: ParseErrorCode, client: McpClient): string {
  const name = printParseErrorCode(code);
  if (name === "InvalidCommentToken") {
    return `a comment, which ${client.name} does not accept in this file`;
  }
  return ERROR_WORDS[name] ?? name;
}
