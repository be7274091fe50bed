import { createGatehouse } from "../../app/gatehouse";
import type { Options } from "../options";
import { print, printJson, table } from "../output";
import { UsageError } from "../usage";
import { claimsFrom } from "./claims-options";

/** `gatehouse identity list|add|remove`: saved callers to mint tokens for. */
export async function identity(
  action: string | undefined,
  args: string[],
  options: Options,
): Promise<number> {
  // The same API as the app's Tokens page; nothing is served.
  const { api } = createGatehouse();
  switch (action) {
    case "list": {
      const all = await api.listIdentities();
      if (options.json) return printJson(all);
      if (all.length === 0)
        return print(
          `No identities yet: add one with \`gatehouse identity add alice --claims '{"team":"dev"}'\`.`,
        );
      const rows = all.map((i) => [
        i.name,
        JSON.stringify(i.claims),
        i.issuer ?? "(from config)",
        [i.audience ?? "(from config)"].flat().join(","),
      ]);
      return print(table(["NAME", "CLAIMS", "ISSUER", "AUDIENCE"], rows));
    }
    case "add": {
      const name = args[0];
      if (!name)
        throw new UsageError("identity add needs a name, e.g. gatehouse identity add alice");
      const claims = claimsFrom(options.claims, options.sub);
      const saved = await api.saveIdentity({
        name,
        claims,
        ...(options.issuer && { issuer: options.issuer }),
        ...(options.audience && { audience: options.audience }),
      });
      return options.json
        ? printJson(saved)
        : print(`saved identity ${name}: ${JSON.stringify(saved.claims)}`);
    }
    case "remove": {
      const name = args[0];
      if (!name) throw new UsageError("identity remove needs a name");
      if (!(await api.listIdentities()).some((saved) => saved.name === name))
        throw new UsageError(`no identity "${name}" (see gatehouse identity list)`);
      await api.removeIdentity(name);
      return print(`removed identity ${name}`);
    }
    default:
      throw new UsageError("identity needs one of: list, add, remove");
  }
}
