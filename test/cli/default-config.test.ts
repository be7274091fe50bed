import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keychainReason } from "../setup/keychain";
import {
  callUiApi,
  connectAs,
  DEFAULT_PORT,
  startEmbeddedDefault,
  takeDefaultPortTurn,
  toolNames,
} from "./embedded-default";
import { killAll, portInUse, textOf } from "./helpers";

const DEMO_TOOLS = ["echo", "get-sum", "get-time"];

/** A data folder of its own for each run: the first run of Gatehouse on a fresh machine. */
const freshDataDir = () => mkdtempSync(join(tmpdir(), "gatehouse-first-run-"));

/** Where no Secret Service can be reached: a bus socket that does not exist, and no display. */
const NO_KEYCHAIN = {
  DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/gatehouse-test-bus",
  DISPLAY: "",
};

const clients: Client[] = [];
let release: (() => Promise<void>) | undefined;

beforeAll(async () => {
  release = await takeDefaultPortTurn();
}, 180_000);
afterAll(() => release?.());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await killAll();
});

async function client(token?: string): Promise<Client> {
  const connected = await connectAs(token);
  clients.push(connected);
  return connected;
}

/** Starts the embedded default and mints a token for each demo identity, as the UI does. */
async function firstRun(env: NodeJS.ProcessEnv) {
  const started = await startEmbeddedDefault(env);
  const mint = async (identity: string) =>
    (
      (await callUiApi(started.adminUrl, started.adminToken, "mintToken", [
        identity,
        null,
        "5m",
      ])) as {
        token: string;
      }
    ).token;
  return { ...started, mint };
}

describe("gatehouse without -f: the embedded default's demo", () => {
  it("without a token, echo works and the other demo tools are hidden and refused", async (context) => {
    if (await portInUse(DEFAULT_PORT)) {
      context.skip("port 3000 is taken on this machine; the default config needs it");
    }
    const { gateway } = await firstRun({ ...process.env, GATEHOUSE_DATA_DIR: freshDataDir() });
    expect(gateway.stderr).toContain("is serving the embedded default config");
    expect(gateway.stderr).toContain("Demo: without a token only echo is open");

    const anonymous = await client();
    expect(await toolNames(anonymous)).toEqual(["echo"]);
    const echoed = await anonymous.callTool({ name: "echo", arguments: { message: "hi" } });
    expect(textOf(echoed)).toBe("hi");
    await expect(
      anonymous.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } }),
    ).rejects.toThrow(/Unknown tool: get-sum/);
  });

  it("a token minted for alice sees every demo tool, one for bob only echo", async (context) => {
    if (await portInUse(DEFAULT_PORT)) {
      context.skip("port 3000 is taken on this machine; the default config needs it");
    }
    const { mint } = await firstRun({ ...process.env, GATEHOUSE_DATA_DIR: freshDataDir() });

    const alice = await client(await mint("alice"));
    expect(await toolNames(alice)).toEqual(DEMO_TOOLS);
    const sum = await alice.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } });
    expect(textOf(sum)).toBe("The sum of 2 and 40 is 42.");

    const bob = await client(await mint("bob"));
    expect(await toolNames(bob)).toEqual(["echo"]);
    await expect(bob.callTool({ name: "get-time", arguments: {} })).rejects.toThrow(
      /Unknown tool: get-time/,
    );
  });

  it("refuses a token the demo key did not sign, rather than treating it as no token", async (context) => {
    if (await portInUse(DEFAULT_PORT)) {
      context.skip("port 3000 is taken on this machine; the default config needs it");
    }
    await firstRun({ ...process.env, GATEHOUSE_DATA_DIR: freshDataDir() });
    await expect(client("not.a.token")).rejects.toThrow(
      /authentication failure: the token is invalid/,
    );
  });

  it("without a Secret Service, holds the demo key in memory for this run and writes no private key", async (context) => {
    if (await portInUse(DEFAULT_PORT)) {
      context.skip("port 3000 is taken on this machine; the default config needs it");
    }
    const dataDir = freshDataDir();
    // The user's own alice: the demo adds bob beside her and leaves her as she is.
    const own = { name: "alice", claims: { sub: "alice", team: "mine" } };
    writeFileSync(join(dataDir, "identities.json"), JSON.stringify({ identities: [own] }));

    const { gateway, mint } = await firstRun({
      ...process.env,
      ...NO_KEYCHAIN,
      GATEHOUSE_DATA_DIR: dataDir,
    });
    expect(gateway.stderr).toContain(
      "Gatehouse holds the demo signing key in memory for this run only",
    );
    expect(gateway.stderr).toContain("no Secret Service is running");

    // The key held in memory signs tokens that this run accepts.
    const alice = await client(await mint("alice"));
    expect(await toolNames(alice)).toEqual(DEMO_TOOLS);

    // Every file, not the folders (a file lock is a folder while it is held).
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dataDir, join(entry.parentPath, entry.name)));
    expect(files).not.toContain("private-keys.json");
    for (const file of files) {
      // A file written atomically may be renamed away between the listing and the read.
      if (!existsSync(join(dataDir, file))) continue;
      const text = readFileSync(join(dataDir, file), { encoding: "utf8", flag: "r" });
      expect(text, `${file} holds a private JWK member`).not.toMatch(/"d"\s*:/);
      expect(text, `${file} holds a PEM private key`).not.toContain("PRIVATE KEY");
    }
    const { identities } = JSON.parse(readFileSync(join(dataDir, "identities.json"), "utf8"));
    expect(identities).toEqual([own, { name: "bob", claims: { sub: "bob" } }]);
  });

  it.skipIf(keychainReason ?? process.platform !== "linux")(
    `keeps the demo key in the OS keychain, where the next run finds it${keychainReason ? ` (skipped: ${keychainReason})` : ""}`,
    async (context) => {
      if (await portInUse(DEFAULT_PORT)) {
        context.skip("port 3000 is taken on this machine; the default config needs it");
      }
      const env = { ...process.env, GATEHOUSE_DATA_DIR: freshDataDir() };
      const first = await firstRun(env);
      expect(first.gateway.stderr).not.toContain("in memory");
      const token = await first.mint("alice");
      const entry = execFileSync("secret-tool", [
        "lookup",
        "service",
        "gatehouse",
        "account",
        "demo-signing-key",
      ]).toString();
      expect(JSON.parse(entry)).toMatchObject({ kty: "EC", crv: "P-256" });
      await killAll();

      // A token of the first run still works in the next: the key is the same.
      await firstRun(env);
      expect(await toolNames(await client(token))).toEqual(DEMO_TOOLS);
    },
  );
});
