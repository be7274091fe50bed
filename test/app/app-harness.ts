import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGatehouse, type Gatehouse } from "../../src/main/app/gatehouse";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import type { IdentitySummary } from "../../src/shared/ui-api";
import { freePort } from "../relay/harness";

export interface AppUnderTest {
  gatehouse: Gatehouse;
  /** The port the config was given. */
  port: number;
  stop(): Promise<void>;
}

/**
 * Gatehouse started as the front ends start it (createGatehouse), on a data folder of its own
 * that holds a signing key (in a file store: no keychain needed) and these identities, serving
 * the config `configFor` writes for a free port and the keystore's public keys.
 */
export async function startAppUnderTest(
  identities: IdentitySummary[],
  configFor: (port: number, jwksPath: string) => string,
): Promise<AppUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), "gatehouse-app-"));
  const env = { ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_KEYSTORE: "file" };
  const issuer = await LocalIssuer.open(env);
  await issuer.keystore.create({ alg: "ES256" });
  for (const identity of identities) await issuer.identities.save(identity);
  const port = await freePort();
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, configFor(port, issuer.keystore.jwksPath));
  // Targets start beside other test files on two cores: give them time to initialize.
  const gatehouse = createGatehouse({ configPath, env, initializeTimeoutMs: 15_000 });
  await gatehouse.start();
  return {
    gatehouse,
    port,
    stop: async () => {
      await gatehouse.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
