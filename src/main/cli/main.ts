import { version } from "../../../package.json";
import { DEFAULT_ADMIN_PORT } from "../admin/admin-server";
import { ConfigError } from "../config/problems";
import { ClientConfigError } from "../app/clients/client-config-error";
import { KeystoreError } from "../keystore/keystore-error";
import { check, listProblems } from "./commands/check";
import { clients } from "./commands/clients";
import { identity } from "./commands/identity";
import { init } from "./commands/init";
import { keys } from "./commands/keys";
import { pins } from "./commands/pins";
import { exportResources, importResources } from "./commands/kubernetes";
import { serve } from "./commands/serve";
import { token } from "./commands/token";
import { runDemoServer } from "./demo-server";
import type { LogFormat } from "./log-printer";
import { parseCommandLine } from "./options";
import { print } from "./output";
import { HELP, UsageError } from "./usage";

/** Runs one command; a negative result means "keep running" (serve, demo-server). */
async function main(argv: string[]): Promise<number> {
  const { values, files, positionals } = parseCommandLine(argv);
  if (values.help) return print(HELP);
  if (values.version) return print(version);

  const [command = "serve", action, ...args] = positionals;
  if (files.length > 1 && command !== "import") {
    throw new UsageError("-f is given once, except to gatehouse import");
  }
  const noMore = (extra: string | undefined) => {
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  };
  switch (command) {
    case "serve":
      noMore(action);
      return serve(values.file, logFormat(values["log-format"]), adminPort(values["admin-port"]));
    case "check":
      noMore(action);
      if (!values.file) throw new UsageError("check needs -f <config.yaml>");
      return check(values.file);
    case "init":
      noMore(action);
      return init(values);
    case "keys":
      return keys(action, args, values);
    case "identity":
      return identity(action, args, values);
    case "token":
      return token(action, args, values);
    case "pins":
      return pins(action, args, values);
    case "clients":
      return clients(action, args, values);
    case "import":
      return importResources(action, args, files, values);
    case "export":
      return exportResources(action, args, values);
    case "demo-server":
      noMore(action);
      await runDemoServer(version);
      return -1; // keeps running until stdin closes
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function logFormat(value: string | undefined): LogFormat {
  if (value === "text" || value === "json") return value;
  throw new UsageError(`--log-format is text or json, not "${value}"`);
}

function adminPort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_ADMIN_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--admin-port is a port number, not "${value}"`);
  }
  return port;
}

/**
 * parseArgs follows an unknown option with advice on passing it as a positional after `--`,
 * which gatehouse would reject too; the first sentence is the whole story.
 */
function errorMessage(error: Error & { code?: string }): string {
  return error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
    ? `${error.message.split(". ")[0]}.`
    : error.message;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    // Errors a person can act on are said plainly; anything else is a bug and keeps its stack.
    if (error instanceof ConfigError) {
      process.exitCode = print(listProblems("the config", error), 1, process.stderr);
      return;
    }
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    const known = usage || error instanceof KeystoreError || error instanceof ClientConfigError;
    const text = known ? errorMessage(error as Error) : ((error as Error).stack ?? String(error));
    process.stderr.write(`gatehouse: ${text}\n${usage ? "Run gatehouse --help for usage.\n" : ""}`);
    process.exitCode = usage ? 2 : 1;
  },
);
