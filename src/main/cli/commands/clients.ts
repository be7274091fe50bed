import { resolve } from "node:path";
import { createGatehouse } from "../../app/gatehouse";
import {
  MCP_CLIENT_IDS,
  type ClientInstallation,
  type McpClientId,
  type TokenCheck,
} from "../../../shared/ui-api";
import { configEnv } from "../config-env";
import type { Options } from "../options";
import { print, printJson, table } from "../output";
import { UsageError } from "../usage";

/** `gatehouse clients install <client> | list`: the gateway's entry in MCP clients' own files. */
export async function clients(
  action: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  // The same API as the app's Clients page, over the config a start would serve; nothing is served.
  const { api } = createGatehouse({ configPath: options.file, env: configEnv() });
  const project = options.project === undefined ? null : resolve(options.project);
  switch (action) {
    case "install": {
      const client = clientId(args[0]);
      noMore(args[1]);
      const identity = options.identity ?? null;
      const dryRun = options["dry-run"] ?? false;
      const result = await api.installClient(client, identity, { project, dryRun });
      if (options.json) return printJson(result);
      for (const warning of result.warnings) print(`warning: ${warning}`, 0, process.stderr);
      if (!result.written) {
        // The file alone on stdout, so that it can be saved or compared.
        print(`dry run, nothing written: ${result.file} would be`, 0, process.stderr);
        return print(result.text);
      }
      const lines = [`set up ${result.name} in ${result.file}`];
      if (result.backup) lines.push(`the previous file is kept as ${result.backup}`);
      if (result.expiresAt) {
        lines.push(
          `its token for ${identity} expires ${result.expiresAt}: run this again for a fresh one`,
        );
      }
      lines.push(`restart ${result.name} (or reload its MCP servers) to connect`);
      return print(lines.join("\n"));
    }
    case "list": {
      noMore(args[0]);
      const all = await api.clientInstallations(project);
      if (options.json) return printJson(all);
      const rows = all.map((each) => [
        each.client,
        each.installed ? "yes" : "no",
        each.url ?? "",
        tokenWords(each),
        each.file,
      ]);
      const problems = all.flatMap((each) => (each.problem ? [`problem: ${each.problem}`] : []));
      return print(
        [table(["CLIENT", "SET UP", "URL", "TOKEN", "FILE"], rows), ...problems].join("\n"),
      );
    }
    default:
      throw new UsageError("clients needs one of: install, list");
  }
}

function clientId(given: string | undefined): McpClientId {
  const known = MCP_CLIENT_IDS.join(", ");
  if (given === undefined) throw new UsageError(`clients install needs a client: one of ${known}`);
  if (!(MCP_CLIENT_IDS as readonly string[]).includes(given)) {
    throw new UsageError(`clients install knows ${known}, not "${given.slice(0, 100)}"`);
  }
  return given as McpClientId;
}

function noMore(extra: string | undefined): void {
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra.slice(0, 100)}"`);
}

function tokenWords(installation: ClientInstallation): string {
  const { token } = installation;
  if (!installation.installed) return "";
  if (!token) return "none";
  const whose = [token.subject, token.expiresAt && `expires ${token.expiresAt}`].filter(Boolean);
  const about = whose.length ? ` (${whose.join(", ")})` : "";
  return `${VERDICT_WORDS[token.verdict]}${about}${token.reason ? `: ${token.reason}` : ""}`;
}

const VERDICT_WORDS: Record<TokenCheck["verdict"], string> = {
  accepted: "verifies",
  refused: "refused",
  unchecked: "not checked",
};
