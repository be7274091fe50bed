import { parseArgs } from "node:util";

/** Every option of every command: one strict parse, so a typo is an error, not ignored. */
const OPTIONS = {
  file: { type: "string", short: "f" },
  "log-format": { type: "string", default: "text" },
  "admin-port": { type: "string" },
  json: { type: "boolean" },
  alg: { type: "string" },
  bits: { type: "string" },
  label: { type: "string" },
  out: { type: "string" },
  yes: { type: "boolean" },
  force: { type: "boolean" },
  sub: { type: "string" },
  claims: { type: "string" },
  issuer: { type: "string" },
  audience: { type: "string" },
  ttl: { type: "string", default: "1h" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

export type Options = ReturnType<typeof parseCommandLine>["values"];
