import { parseArgs } from "node:util";
import { version } from "../../../package.json";
import { checkConfigFile, GatehouseService } from "../app/service";
import { ConfigError, formatProblem } from "../config/problems";
import { runDemoServer } from "./demo-server";
import { printEvents, type LogFormat } from "./log-printer";

const HELP = `Gatehouse ${version}: a local enforcing gateway for MCP servers.

Usage:
  gatehouse [serve] [-f <config.yaml>] [--log-format text|json]
      Run the gateway headless (the default command). The config is agentgateway's
      local config format and is reloaded whenever the file is saved; an invalid
      edit is reported and the previous config keeps serving. Without -f, the
      embedded default config runs: http://localhost:3000/mcp in front of a
      bundled demo MCP server.

  gatehouse check -f <config.yaml>
      Validate a config and list every problem as file:line:col. Exits 0 when the
      config is valid, 1 when it is not.

  gatehouse demo-server
      The bundled demo MCP server on stdio: tools echo, get-sum and get-time,
      prompt greeting, resource demo://about.

  gatehouse --help | --version

Options:
  -f, --file <path>        The config file.
      --log-format <fmt>   text (default): one agentgateway-style line per request;
                           json: one JSON object per line.

$VAR, \${VAR} and \${VAR:-default} in the config are read from the environment.
Listeners bind 127.0.0.1 unless a bind or the mcp section names another address.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: "string", short: "f" },
      "log-format": { type: "string", default: "text" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  if (values.help) return print(HELP, 0);
  if (values.version) return print(`${version}\n`, 0);

  const [command = "serve", ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  switch (command) {
    case "serve":
      return serve(values.file, logFormat(values["log-format"]));
    case "check":
      if (!values.file) throw new UsageError("check needs -f <config.yaml>");
      return check(values.file);
    case "demo-server":
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

async function check(file: string): Promise<number> {
  try {
    const { loaded, warnings } = await checkConfigFile(file);
    const { listeners } = loaded.gateway;
    const routes = listeners.reduce((n, listener) => n + listener.routes.length, 0);
    const warned = warnings.map((warning) => `${formatProblem(warning)} (warning)\n`).join("");
    return print(
      `${warned}${file}: valid (${listeners.length} listener(s), ${routes} route(s))\n`,
      0,
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return print(listProblems(file, error), 1, process.stderr);
  }
}

/** One problem per line, each starting with file:line:col as editors' problem matchers expect. */
function listProblems(source: string, error: ConfigError): string {
  const count = error.problems.length;
  return `${error.message}\n${source}: ${count} problem${count === 1 ? "" : "s"}\n`;
}

async function serve(file: string | undefined, format: LogFormat): Promise<number> {
  const service = new GatehouseService({
    configPath: file,
    // The default config starts the demo server through this very CLI.
    env: { ...process.env, GATEHOUSE_NODE: process.execPath, GATEHOUSE_CLI: process.argv[1] },
  });
  const source = file ?? "the embedded default config";
  const stopPrinting = printEvents(service.bus, process.stdout, format);
  try {
    await service.start();
  } catch (error) {
    stopPrinting();
    const message =
      error instanceof ConfigError
        ? listProblems(source, error)
        : `gatehouse: ${(error as Error).message}\n`;
    return print(message, 1, process.stderr);
  }

  const endpoints = service.gateway.urls.map(
    (url) => `  ${url.replace("127.0.0.1", "localhost")}/mcp`,
  );
  process.stderr.write(
    `Gatehouse ${version} is serving ${source}. MCP clients connect to:\n${endpoints.join("\n")}\n`,
  );

  // No orphans: if the process exits without a clean stop, its stdio targets go with it.
  process.on("exit", () => {
    for (const pid of service.gateway.sessions.pids()) killQuietly(pid);
  });
  onStopSignal(async () => {
    await service.stop();
    stopPrinting();
    process.exit(0);
  });
  return -1;
}

/**
 * Runs `stop` on the first SIGINT or SIGTERM. Under `npm start`, Ctrl-C arrives twice (the
 * terminal signals the whole process group and the launcher forwards its own copy), so a repeat
 * within a moment is the same request and must not cut the clean stop short; a later one means
 * "stop now" and exits at once, the exit handler still killing the stdio targets.
 */
function onStopSignal(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handle = () => {
    if (stoppingSince === undefined) {
      stoppingSince = Date.now();
      void stop();
    } else if (Date.now() - stoppingSince > 1000) {
      process.exit(1);
    }
  };
  process.on("SIGINT", handle).on("SIGTERM", handle).on("SIGHUP", handle);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
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

function print(text: string, code: number, stream: NodeJS.WriteStream = process.stdout): number {
  stream.write(text);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    process.stderr.write(
      `gatehouse: ${errorMessage(error as Error)}\n${usage ? "Run gatehouse --help for usage.\n" : ""}`,
    );
    process.exitCode = usage ? 2 : 1;
  },
);
