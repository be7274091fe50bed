import { writeFile } from "node:fs/promises";
import { createGatehouse } from "../../app/gatehouse";
import type { KeyAlgorithmName, KeySummary } from "../../../shared/ui-api";
import type { Options } from "../options";
import { print, printJson, table } from "../output";
import { UsageError } from "../usage";
import { readInput } from "./read-input";

const ALGORITHMS: KeyAlgorithmName[] = ["ES256", "RS256", "EdDSA"];

/** `gatehouse keys list|create|import|export|retire|delete`. */
export async function keys(
  action: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  // The same API as the app's Keys page; nothing is served.
  const { api } = createGatehouse();
  const show = (infos: KeySummary[], verb: string) =>
    options.json
      ? printJson(infos)
      : print(
          infos.map((k) => `${verb} ${k.alg} key ${k.kid} (${k.label}, ${k.state})`).join("\n"),
        );

  const label = options.label ?? null;

  switch (action) {
    case "list": {
      const all = await api.listKeys();
      if (options.json) return printJson(all);
      if (all.length === 0) return print("No keys yet: create one with `gatehouse keys create`.");
      const rows = all.map((k) => [
        k.kid,
        k.alg + (k.bits ? `/${k.bits}` : ""),
        k.state,
        k.canSign ? "sign+verify" : "verify",
        k.created.slice(0, 10),
        k.label,
      ]);
      return print(table(["KID", "ALG", "STATE", "USE", "CREATED", "LABEL"], rows));
    }
    case "create": {
      const alg = (options.alg ?? "ES256") as KeyAlgorithmName;
      if (!ALGORITHMS.includes(alg))
        throw new UsageError(`--alg is one of ${ALGORITHMS.join(", ")}, not "${alg}"`);
      const bits = options.bits === undefined ? undefined : Number(options.bits);
      if (bits !== undefined && (alg !== "RS256" || (bits !== 2048 && bits !== 3072))) {
        throw new UsageError("--bits is 2048 or 3072, and only for --alg RS256");
      }
      const created = await api.createKey(alg, (bits ?? null) as 2048 | 3072 | null, label);
      return show([created], "created");
    }
    case "import": {
      const material = await readInput(args[0], "keys import needs a file (or - for stdin)");
      return show(await api.importKey(material, label), "imported");
    }
    case "export": {
      const jwks = `${await api.exportJwks()}\n`;
      if (!options.out) return print(jwks);
      await writeFile(options.out, jwks);
      return print(`wrote the public JWKS to ${options.out}`);
    }
    case "retire":
      return show([await api.retireKey(needKid(args))], "retired");
    case "delete": {
      const kid = needKid(args);
      if (!options.yes) {
        throw new UsageError(
          `deleting a key cannot be undone; tokens it signed stop verifying. Repeat with --yes to delete ${kid}`,
        );
      }
      await api.deleteKey(kid);
      return print(`deleted key ${kid} and its private key`);
    }
    default:
      throw new UsageError("keys needs one of: list, create, import, export, retire, delete");
  }
}

function needKid(args: string[]): string {
  if (!args[0]) throw new UsageError("name the key by its kid (see gatehouse keys list)");
  return args[0];
}
