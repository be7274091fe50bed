import { IdentityStore } from "../keystore/identities";
import type { DemoStatus } from "../../shared/ui-api";
import { DemoKey } from "./demo-key";

/**
 * The identities the embedded default config's mcpAuthorization names, and what it lets each
 * one use. Their claims are only the subject, which the rules read.
 */
export const DEMO_IDENTITIES = [
  { name: "alice", may: "every tool" },
  { name: "bob", may: "only echo, as a caller without a token" },
] as const;

/** The variable the default config's jwtAuth reads the demo key's public JWKS from. */
export const DEMO_JWKS_VARIABLE = "GATEHOUSE_DEMO_JWKS";

/** The demo that runs with the embedded default config: its key, and what the UI shows of it. */
export interface FirstRunDemo {
  key: DemoKey;
  status: DemoStatus;
  /** Something to tell the user at start that is not about the key (identities not saved). */
  warning?: string;
}

/**
 * Gets the demo ready: its signing key, and its identities in the data folder, added only where
 * the user has no identity of that name (theirs always stays as it is).
 */
export async function prepareFirstRunDemo(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): Promise<FirstRunDemo> {
  const key = await DemoKey.open(env);
  let warning: string | undefined;
  try {
    const identities = await IdentityStore.open(dataDir);
    await identities.addMissing(DEMO_IDENTITIES.map(({ name }) => ({ name, claims: {} })));
  } catch (error) {
    warning = `the demo identities alice and bob could not be saved: ${(error as Error).message}`;
  }
  const status: DemoStatus = {
    identities: DEMO_IDENTITIES.map(({ name, may }) => ({ name, may })),
    keyPlace: key.place,
    ...(key.whyInMemory !== undefined && { keyNotice: inMemoryNotice(key.whyInMemory) }),
  };
  return { key, status, ...(warning !== undefined && { warning }) };
}

function inMemoryNotice(why: string): string {
  return (
    "Gatehouse holds the demo signing key in memory for this run only: no private key is " +
    "written to disk, and tokens minted for alice and bob stop working when Gatehouse stops. " +
    `The keychain cannot keep it: ${why}`
  );
}
