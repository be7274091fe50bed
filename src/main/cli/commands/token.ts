import { resolveConfigPath } from "../../app/initial-config";
import type { TokenInspection } from "../../../shared/ui-api";
import { inspectToken } from "../../app/inspect-token";
import { LocalIssuer } from "../../app/local-issuer";
import { withCompiledConfig } from "../../app/service";
import { loadConfigFile, type LoadedConfig } from "../../config/load";
import { configEnv } from "../config-env";
import type { Options } from "../options";
import { print, printJson } from "../output";
import { UsageError } from "../usage";
import { claimsFrom } from "./claims-options";
import { readInput } from "./read-input";

/** `gatehouse token mint|inspect`. */
export async function token(
  action: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  switch (action) {
    case "mint":
      return mint(args[0], options);
    case "inspect": {
      const given = args[0];
      if (!given) throw new UsageError("token inspect needs a token (or - to read it from stdin)");
      return inspect((given === "-" ? await readInput("-", "") : given).trim(), options);
    }
    default:
      throw new UsageError("token needs one of: mint, inspect");
  }
}

async function mint(identity: string | undefined, options: Options): Promise<number> {
  const issuer = await LocalIssuer.open();
  const config = await configFor(options.file, issuer.dataDir);
  const minted = await issuer.mint(
    {
      identity,
      claims: claimsFrom(options.claims, options.sub),
      ttl: options.ttl as string,
      issuer: options.issuer,
      audience: options.audience,
    },
    config?.gateway,
  );
  if (options.json) return printJson({ ...minted, expiresAt: minted.expiresAt.toISOString() });
  // The token alone on stdout, so that `$(gatehouse token mint alice)` is the token.
  process.stderr.write(`signed by ${minted.kid}, expires ${minted.expiresAt.toISOString()}\n`);
  return print(minted.token);
}

async function inspect(token: string, options: Options): Promise<number> {
  const issuer = await LocalIssuer.open();
  const config = await configFor(options.file, issuer.dataDir);
  const inspection: TokenInspection = config
    ? await withCompiledConfig(config, {}, (runtime) => inspectToken(token, runtime))
    : await inspectToken(token);
  if (options.json) return printJson({ config: config?.file, ...inspection });
  const lines: string[] = [];
  if (inspection.malformed) lines.push(`not a JWT: ${inspection.malformed}`);
  if (inspection.header) lines.push(`header: ${JSON.stringify(inspection.header)}`);
  if (inspection.claims) lines.push(`claims: ${JSON.stringify(inspection.claims, null, 2)}`);
  if (!config)
    lines.push("no config to check it against: pass -f <config.yaml> (or run gatehouse init)");
  else if (inspection.verdicts.length === 0)
    lines.push(`${config.file}: no route asks for a token`);
  for (const verdict of inspection.verdicts) {
    lines.push(
      verdict.accepted
        ? `${config?.file} ${verdict.route}: accepted (issuer ${verdict.issuer})`
        : `${config?.file} ${verdict.route}: refused: authentication failure: ${verdict.reason}`,
    );
  }
  const refused =
    inspection.verdicts.some((verdict) => !verdict.accepted) || Boolean(inspection.malformed);
  return print(lines.join("\n"), refused ? 1 : 0);
}

/** The config whose policies tokens are minted for and checked against. */
async function configFor(
  file: string | undefined,
  dataDir: string,
): Promise<LoadedConfig | undefined> {
  const path = resolveConfigPath(file, dataDir);
  return path ? loadConfigFile(path, configEnv()) : undefined;
}
