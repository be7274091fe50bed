import { parseArgs } from "node:util";

/** Every option of every command: one strict parse, so a typo is an error, not ignored. */
const OPTIONS = {
  file: { type: "string", short: "f", multiple: true },
  "log-format": { type: "string", default: "text" },
  "admin-port": { type: "string" },
  json: { type: "boolean" },
  alg: { type: "string" },
  bits: { type: "string" },
  label: { type: "string" },
  out: { type: "string", short: "o" },
  port: { type: "string" },
  namespace: { type: "string" },
  gateway: { type: "string" },
  yes: { type: "boolean" },
  force: { type: "boolean" },
  sub: { type: "string" },
  claims: { type: "string" },
  issuer: { type: "string" },
  audience: { type: "string" },
  identity: { type: "string" },
  project: { type: "string" },
  "dry-run": { type: "boolean" },
  ttl: { type: "string", default: "1h" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

/**
 * The command line; `-f` may be given several times (`import` reads a set of files), and
 * `values.file` is the one file the other commands take.
 */
export function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS,
  });
  const { file: files = [], ...rest } = values;
  return { values: { ...rest, file: files.at(-1) }, files, positionals };
}

export type Options = ReturnType<typeof parseCommandLine>["values"];
