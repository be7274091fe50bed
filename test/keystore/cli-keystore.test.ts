import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, killAll, run, serving, start, waitFor } from "../cli/helpers";
import { postInitialize } from "../relay/harness";
import { keychainReason } from "../setup/keychain";

const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-keystore-"));
const env = { ...process.env, GATEHOUSE_DATA_DIR: dataDir };
const gatehouse = (...args: string[]) => run(args, 20_000, env);

/** Every file under the data folder, to prove no private key is written to disk. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function keychainEntry(kid: string): string | undefined {
  try {
    // "--": a kid is base64url, and one in 64 starts with "-", which would read as an option.
    return execFileSync("secret-tool", ["lookup", "--", "service", "gatehouse", "account", kid], {
      encoding: "utf8",
    });
  } catch {
    return undefined; // secret-tool exits 1 when there is no such entry
  }
}

const keysList = async () =>
  JSON.parse((await gatehouse("keys", "list", "--json")).stdout) as {
    kid: string;
    state: string;
    alg: string;
  }[];

afterAll(killAll);

describe.skipIf(keychainReason)(
  `keys, identities and tokens through the CLI, private keys in the OS keychain${keychainReason ? ` (skipped: ${keychainReason})` : ""}`,
  () => {
    let firstKid: string;
    let firstToken: string;
    let port: number;
    let config: string;

    it("init creates a signing key and a config trusting it; the private key is in the keychain, in no file", async () => {
      const init = await gatehouse("init");
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain(`wrote ${join(dataDir, "config.yaml")}`);
      const [key] = await keysList();
      firstKid = (key as { kid: string }).kid;
      expect(key).toMatchObject({ alg: "ES256", state: "active" });

      expect(keychainEntry(firstKid)).toContain('"d"');
      for (const file of filesUnder(dataDir)) {
        const text = readFileSync(file, "utf8");
        expect(text, file).not.toContain('"d"');
        expect(text, file).not.toContain("PRIVATE KEY");
      }
    });

    it("mints a token for an identity that an independent verifier and the gateway both accept", async () => {
      expect(
        (
          await gatehouse(
            "identity",
            "add",
            "alice",
            "--claims",
            '{"team":"dev","roles":["reader"]}',
          )
        ).code,
      ).toBe(0);
      const minted = await gatehouse("token", "mint", "alice", "--ttl", "15m");
      expect(minted.code, minted.stderr).toBe(0);
      firstToken = minted.stdout.trim();

      const jwks = JSON.parse((await gatehouse("keys", "export")).stdout);
      const { payload, protectedHeader } = await jwtVerify(firstToken, createLocalJWKSet(jwks), {
        issuer: "gatehouse.local",
        audience: "gatehouse",
      });
      expect(payload).toMatchObject({ sub: "alice", team: "dev", roles: ["reader"] });
      expect(payload.jti).toBeTruthy();
      expect(protectedHeader).toMatchObject({ kid: firstKid, typ: "JWT", alg: "ES256" });

      // The config init wrote, on a free port: only the keystore's tokens get in.
      port = await freePort();
      config = join(dataDir, "test-config.yaml");
      writeFileSync(
        config,
        readFileSync(join(dataDir, "config.yaml"), "utf8").replace("port: 3000", `port: ${port}`),
      );
      const gateway = start(["-f", config, "--admin-port", "0"], { env });
      await serving(gateway, port);
      const url = `http://127.0.0.1:${port}/mcp`;
      expect((await postInitialize(url)).status).toBe(401);

      const client = new Client({ name: "keystore-test", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { Authorization: `Bearer ${firstToken}` } },
        }),
      );
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
      await client.close();

      const adminJwks = /Public keys \(JWKS\): (\S+)/.exec(gateway.stderr)?.[1] as string;
      expect(await (await fetch(adminJwks)).json()).toEqual(jwks);
    });

    it("inspect says which route accepts a token, or exactly why not", async () => {
      const accepted = await gatehouse("token", "inspect", firstToken, "-f", config);
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toContain("mcp/default: accepted (issuer gatehouse.local)");
      const otherAudience = (
        await gatehouse("token", "mint", "alice", "--audience", "elsewhere")
      ).stdout.trim();
      const refused = await gatehouse("token", "inspect", otherAudience, "-f", config);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(
        /refused: authentication failure: the token audience "elsewhere" is not accepted/,
      );
    });

    it("a retired key's tokens still verify; once deleted they do not, and its keychain entry is gone", async () => {
      const created = await gatehouse("keys", "create", "--alg", "EdDSA", "--label", "second");
      expect(created.code, created.stderr).toBe(0);
      expect((await gatehouse("keys", "retire", "--", firstKid)).code).toBe(0);
      expect((await keysList()).find((k) => k.kid === firstKid)?.state).toBe("retired");

      const url = `http://127.0.0.1:${port}/mcp`;
      const status = async (token: string) =>
        (await postInitialize(url, { Authorization: `Bearer ${token}` })).status;
      await waitFor(
        "the gateway to reload the JWKS",
        async () => (await status(firstToken)) === 200,
      );
      const fresh = (await gatehouse("token", "mint", "alice")).stdout.trim();
      expect(decodeProtectedHeader(fresh).alg).toBe("EdDSA");
      expect(await status(fresh)).toBe(200);

      expect((await gatehouse("keys", "delete", "--", firstKid)).code).toBe(2); // needs --yes
      expect((await gatehouse("keys", "delete", "--yes", "--", firstKid)).code).toBe(0);
      expect(keychainEntry(firstKid)).toBeUndefined();
      await waitFor(
        "the deleted key to stop verifying",
        async () => (await status(firstToken)) === 401,
      );
      expect(await status(fresh)).toBe(200);
    });
  },
);

describe("without a usable keychain", () => {
  it("says so and how to fix it, with no stack trace", async () => {
    const noKeychain = {
      ...env,
      GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), "gatehouse-nokeychain-")),
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/gatehouse-test-bus",
      DISPLAY: "",
    };
    const created = await run(["keys", "create"], 20_000, noKeychain);
    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(/keychain is not available/);
    expect(created.stderr).toContain("GATEHOUSE_KEYSTORE=file");
    expect(created.stderr).not.toMatch(/\n\s+at /);
  });

  it("GATEHOUSE_KEYSTORE=file keeps private keys in a 0600 file, on explicit opt-in only", async () => {
    const fileDir = mkdtempSync(join(tmpdir(), "gatehouse-filekeys-"));
    const fileEnv = { ...env, GATEHOUSE_DATA_DIR: fileDir, GATEHOUSE_KEYSTORE: "file" };
    expect((await run(["keys", "create"], 20_000, fileEnv)).code).toBe(0);
    const secrets = join(fileDir, "private-keys.json");
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect((await run(["token", "mint", "--sub", "bob"], 20_000, fileEnv)).code).toBe(0);
  });
});
