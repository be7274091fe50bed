import { writeInitialConfig } from "../../app/initial-config";
import { createGatehouse } from "../../app/gatehouse";
import type { Options } from "../options";
import { print, printJson } from "../output";

/**
 * `gatehouse init`: Gatehouse as the issuer of its own gateway. A signing key (if there is
 * none yet) and a config whose jwtAuth trusts exactly the keystore's keys.
 */
export async function init(options: Options): Promise<number> {
  const { api, dataDir, jwksPath } = createGatehouse();
  const existing = (await api.listKeys()).find((key) => key.state === "active" && key.canSign);
  const key = existing ?? (await api.createKey("ES256", null, "gatehouse signing key"));
  const config = await writeInitialConfig(dataDir, jwksPath, Boolean(options.force));
  if (options.json) return printJson({ config, key });
  return print(
    [
      `wrote ${config}`,
      `${existing ? "signing with the existing" : "created a"} ${key.alg} key ${key.kid}`,
      "",
      "Next:",
      `  gatehouse identity add alice --claims '{"team":"dev"}'`,
      "  gatehouse token mint alice      # a token the gateway accepts",
      "  gatehouse                       # serves this config",
    ].join("\n"),
  );
}
