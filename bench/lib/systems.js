// The systems under test. Each is a Node script started with this very `node`, listening on
// http://127.0.0.1:<port>/mcp, with the echo server behind it (or being it, for `direct`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBenchIssuer } from "./bench-issuer.js";
import { StatelessCaller } from "./stateless-caller.js";

export const REPO_DIR = fileURLToPath(new URL("../..", import.meta.url));
const ECHO_SERVER = join(REPO_DIR, "bench/echo-server.js");
const NODE = process.execPath;
const benchIssuer = await createBenchIssuer();

/**
 * @typedef {object} System
 * @property {string} name
 * @property {string} entry the script to run; the system is skipped when it does not exist
 * @property {(port: number, workDir: string, tally: string) => string[]} args arguments after
 *   the entry; every stdio echo server it starts gets `--tally <tally>`, to be counted
 * @property {string} [bearer] the token every session sends
 * @property {import("../load.js").Client} [client] what loads it; McpSession (2025) if absent
 */

/** @type {System[]} */
export const SYSTEMS = [
  {
    name: "direct",
    entry: ECHO_SERVER,
    args: (port) => ["http", "--port", String(port)],
  },
  {
    name: "gatehouse",
    entry: join(REPO_DIR, "bin/gatehouse.js"),
    args: (port, workDir, tally) => ["-f", writeGatehouseConfig(port, workDir, tally, "")],
  },
  {
    // The very config of `gatehouse`, loaded by 2026-07-28 callers: each call a POST of its
    // own, without initialize or session, relayed through the bridge sessions Gatehouse pools
    // per caller (one per call in flight, at most 8).
    name: "gatehouse stateless",
    entry: join(REPO_DIR, "bin/gatehouse.js"),
    args: (port, workDir, tally) => ["-f", writeGatehouseConfig(port, workDir, tally, "")],
    client: StatelessCaller,
  },
  {
    // The same relay enforcing: every call verifies an ES256 token (cached after the first)
    // and passes three CEL rules.
    name: "gatehouse+auth",
    entry: join(REPO_DIR, "bin/gatehouse.js"),
    args: (port, workDir, tally) => [
      "-f",
      writeGatehouseConfig(port, workDir, tally, benchIssuer.policies),
    ],
    bearer: benchIssuer.token,
  },
  {
    // Two targets behind one endpoint, names unprefixed: each session initializes both, and
    // its first call lists both to find which one offers `echo`.
    name: "gatehouse 2 targets",
    entry: join(REPO_DIR, "bin/gatehouse.js"),
    args: (port, workDir, tally) => [
      "-f",
      writeGatehouseConfig(port, workDir, tally, "  prefixMode: never\n", ["echo", "other"]),
    ],
  },
  {
    // Stateful Streamable HTTP on /mcp is its default; --host keeps it off other interfaces.
    name: "mcp-proxy",
    entry: join(REPO_DIR, "node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs"),
    args: (port, _workDir, tally) => [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--",
      NODE,
      ECHO_SERVER,
      "stdio",
      "--tally",
      tally,
    ],
  },
  {
    // --stateful spawns one echo server per session. --logLevel none because its default
    // level logs about eight lines per call, which would measure its logger, not its relay.
    name: "supergateway",
    entry: join(REPO_DIR, "node_modules/supergateway/dist/index.js"),
    args: (port, _workDir, tally) => [
      "--stdio",
      [NODE, ECHO_SERVER, "stdio", "--tally", tally].map(shellQuote).join(" "),
      "--outputTransport",
      "streamableHttp",
      "--stateful",
      "--port",
      String(port),
      "--logLevel",
      "none",
    ],
  },
];

/**
 * Writes an agentgateway-format config relaying to the stdio echo server.
 * @param {number} port
 * @param {string} workDir
 * @param {string} tally the file each echo server adds its process id to
 * @param {string} settings YAML lines for the mcp section (`policies:`, `prefixMode:`), or ""
 * @param {string[]} [tools] one echo server per name, each with its tool under that name
 * @returns {string} the config file's path
 */
function writeGatehouseConfig(port, workDir, tally, settings, tools = ["echo"]) {
  const path = join(workDir, `gatehouse-${port}.yaml`);
  // JSON strings are valid YAML scalars, which spares quoting rules for paths.
  const targets = tools.map(
    (tool) => `  - name: ${tool}
    stdio:
      cmd: ${JSON.stringify(NODE)}
      args: [${JSON.stringify(ECHO_SERVER)}, stdio, --tool, ${tool}, --tally, ${JSON.stringify(tally)}]
`,
  );
  const yaml = `mcp:
  port: ${port}
${settings}  targets:
${targets.join("")}`;
  writeFileSync(path, yaml);
  return path;
}

/** @param {string} word */
function shellQuote(word) {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
