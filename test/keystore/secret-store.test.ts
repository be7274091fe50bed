import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dataDir, ensureDataDir } from "../../src/main/keystore/data-dir";
import { FileSecretStore } from "../../src/main/keystore/file-secret-store";
import { KeychainStore } from "../../src/main/keystore/keychain-store";
import { KeystoreError, missingSecretMessage } from "../../src/main/keystore/keystore-error";
import { openSecretStore } from "../../src/main/keystore/open-secret-store";
import { describeUnless, keychainReason } from "../setup/keychain";
import {
  privateSecretServiceReason,
  startPrivateSecretService,
  type PrivateSecretService,
} from "../setup/private-secret-service";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const account = () => `test-${randomUUID()}`;
const temporaryDirs: string[] = [];
const temporaryDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-secret-store-"));
  temporaryDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});
const modeOf = (path: string) => statSync(path).mode & 0o777;

type Operation = ["get", string] | ["set", string, string] | ["delete", string];
type Outcome = { value: string | boolean | null } | { error: string; message: string };

// Runs in a child process: GLib connects to the session bus once per process and keeps that
// connection, so a keychain on another bus (none, a locked one) needs a fresh process.
const RUN_OPERATIONS = `
const { KeychainStore } = await import(process.argv[1]);
const store = new KeychainStore();
const outcomes = [];
for (const [operation, ...args] of JSON.parse(process.argv[2])) {
  try {
    outcomes.push({ value: (await store[operation](...args)) ?? null });
  } catch (error) {
    outcomes.push({ error: error.name, message: error.message });
  }
}
process.stdout.write(JSON.stringify(outcomes));
`;

async function inChildProcess(env: NodeJS.ProcessEnv, operations: Operation[]): Promise<Outcome[]> {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      RUN_OPERATIONS,
      join(ROOT, "src/main/keystore/keychain-store.ts"),
      JSON.stringify(operations),
    ],
    { cwd: ROOT, env },
  );
  return JSON.parse(stdout) as Outcome[];
}

describeUnless(keychainReason, "KeychainStore on the OS keychain", () => {
  const store = new KeychainStore();
  const created: string[] = [];
  const newAccount = () => {
    const name = account();
    created.push(name);
    return name;
  };
  afterEach(async () => {
    await Promise.all(created.splice(0).map((name) => store.delete(name)));
  });

  it("sets, gets, overwrites and deletes an entry", async () => {
    const kid = newAccount();
    expect(store.kind).toBe("keychain");
    expect(await store.get(kid)).toBeUndefined();
    await store.set(kid, "first secret");
    expect(await store.get(kid)).toBe("first secret");
    await store.set(kid, "second secret");
    expect(await store.get(kid)).toBe("second secret");
    expect(await store.delete(kid)).toBe(true);
    expect(await store.get(kid)).toBeUndefined();
    expect(await store.delete(kid)).toBe(false);
  });

  it.skipIf(process.platform !== "linux")(
    "keeps the entry under service gatehouse, account = the kid, where secret-tool finds it (Linux)",
    async () => {
      const kid = newAccount();
      await store.set(kid, '{"kty":"EC","d":"private"}');
      const lookup = await run("secret-tool", [
        "lookup",
        "--",
        "service",
        "gatehouse",
        "account",
        kid,
      ]);
      expect(lookup.stdout).toBe('{"kty":"EC","d":"private"}');
    },
  );
});

describeUnless(
  process.platform === "linux" ? undefined : "only Linux reaches its keychain over D-Bus",
  "KeychainStore without a Secret Service",
  () => {
    // Also without XDG_RUNTIME_DIR, where GLib would find a desktop's bus at $XDG_RUNTIME_DIR/bus.
    const sessionVariables = ["DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"];
    const withoutSession = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !sessionVariables.includes(name)),
    );

    it.each([
      ["a dead D-Bus socket", { DBUS_SESSION_BUS_ADDRESS: `unix:path=${temporaryDir()}/no-bus` }],
      ["no D-Bus session and no display", {}],
    ])("with %s, every operation says how to get one", async (_, bus) => {
      const kid = account();
      const outcomes = await inChildProcess({ ...withoutSession, ...bus }, [
        ["set", kid, "secret"],
        ["get", kid],
        ["delete", kid],
      ]);
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ error: "KeystoreError" });
        const { message } = outcome as { message: string };
        expect(message).toMatch(/^the OS keychain is not available: no Secret Service is running/);
        expect(message).toContain("gnome-keyring-daemon --unlock --components=secrets");
        expect(message).toContain("set GATEHOUSE_KEYSTORE=file");
        expect(message).not.toMatch(/\n\s+at /); // no stack
      }
    });
  },
);

describeUnless(privateSecretServiceReason, "KeychainStore on a locked keyring", () => {
  let service: PrivateSecretService;
  beforeAll(async () => {
    service = await startPrivateSecretService();
  });
  afterAll(() => service?.stop());

  it("fails writes with how to unlock, and reads an existing entry as missing", async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: service.address };
    const kid = account(); // goes with the private keyring's folder at stop()
    expect(await inChildProcess(env, [["set", kid, "secret"]])).toEqual([{ value: null }]);
    await service.lock();

    const [write, read, remove] = await inChildProcess(env, [
      ["set", account(), "secret"],
      ["get", kid],
      ["delete", kid],
    ]);
    expect(write).toMatchObject({ error: "KeystoreError" });
    expect((write as { message: string }).message).toMatch(
      /^the OS keychain is locked \(Cannot create an item in a locked collection\): unlock it and retry/,
    );
    // libsecret answers a locked collection with nothing, not an error: the caller that knows
    // the entry exists reports missingSecretMessage. Deleting quietly deletes nothing.
    expect(read).toEqual({ value: null });
    expect(remove).toEqual({ value: false });
  });
});

describe("missingSecretMessage", () => {
  it("names the kid and both causes for the keychain, and the other store for the file", () => {
    expect(missingSecretMessage("k1", "keychain")).toMatch(
      /^the private key of k1 is not in the OS keychain: the keychain may be locked .*the entry was removed; .*gatehouse keys delete k1 --yes/,
    );
    expect(missingSecretMessage("k1", "file")).toMatch(
      /^the private key of k1 is not in the private-key file .*created in the OS keychain/,
    );
  });
});

describe("FileSecretStore", () => {
  it("round-trips entries in <dir>/private-keys.json, 0600, in a 0700 folder it creates", async () => {
    const dir = join(temporaryDir(), "data");
    const store = new FileSecretStore(dir);
    expect(store.kind).toBe("file");
    expect(store.path).toBe(join(dir, "private-keys.json"));
    expect(await store.get("k1")).toBeUndefined();
    expect(await store.delete("k1")).toBe(false);

    await Promise.all([store.set("k1", "one"), store.set("k2", "two")]);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(store.path)).toBe(0o600);
    expect(JSON.parse(readFileSync(store.path, "utf8"))).toEqual({ k1: "one", k2: "two" });
    expect(await new FileSecretStore(dir).get("k2")).toBe("two");

    expect(await store.delete("k1")).toBe(true);
    expect(await store.get("k1")).toBeUndefined();
    expect(await store.get("k2")).toBe("two");

    await store.set("__proto__", "a kid like any other");
    expect(await new FileSecretStore(dir).get("__proto__")).toBe("a kid like any other");
    expect(await store.delete("__proto__")).toBe(true);
    expect(modeOf(store.path)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["private-keys.json"]); // no temporary file left behind
  });

  it.skipIf(process.platform === "win32")(
    "refuses a file that other users can read, saying how to fix it",
    async () => {
      const store = new FileSecretStore(temporaryDir());
      await store.set("k1", "one");
      chmodSync(store.path, 0o644);
      await expect(store.get("k1")).rejects.toThrow(
        new KeystoreError(
          `${store.path} holds private keys but other users may read it (mode 0644): run chmod ` +
            `600 ${store.path}, and consider the keys in it exposed (create new ones)`,
        ),
      );
    },
  );

  it("names the file it cannot use", async () => {
    const notAFolder = join(temporaryDir(), "file");
    writeFileSync(notAFolder, "");
    const store = new FileSecretStore(join(notAFolder, "data"));
    await expect(store.set("k1", "one")).rejects.toThrow(
      new RegExp(`^cannot lock ${store.path}: ENOTDIR`),
    );
    await expect(store.set("k1", "one")).rejects.toBeInstanceOf(KeystoreError);
  });

  it.each([
    ["not JSON", "{", /Expected property name/],
    ["an array", "[]", /expected a JSON object of kid to private key/],
    ["a non-string entry", '{"k1": 1}', /the entry of k1 is not a string/],
  ])("names a corrupt file (%s) and what to do", async (_, content, why) => {
    const store = new FileSecretStore(temporaryDir());
    writeFileSync(store.path, content, { mode: 0o600 });
    const error = await store.set("k2", "two").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KeystoreError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${store.path} is not a valid private-key file \\(.+\\): restore it from a backup`,
      ),
    );
    expect((error as Error).message).toMatch(why);
    expect(readFileSync(store.path, "utf8")).toBe(content); // left as it was
  });
});

describe("openSecretStore", () => {
  it("opens the OS keychain when GATEHOUSE_KEYSTORE is unset or keychain", () => {
    expect(openSecretStore({})).toBeInstanceOf(KeychainStore);
    expect(openSecretStore({ GATEHOUSE_KEYSTORE: "keychain" })).toBeInstanceOf(KeychainStore);
  });

  it("opens the private-key file in the data folder for GATEHOUSE_KEYSTORE=file", () => {
    const store = openSecretStore({ GATEHOUSE_KEYSTORE: "file", GATEHOUSE_DATA_DIR: "/srv/gh" });
    expect(store).toBeInstanceOf(FileSecretStore);
    expect((store as FileSecretStore).path).toBe("/srv/gh/private-keys.json");
  });

  it("rejects any other value, listing the two", () => {
    expect(() => openSecretStore({ GATEHOUSE_KEYSTORE: "vault" })).toThrow(
      new KeystoreError(
        "GATEHOUSE_KEYSTORE=vault is not a keystore: use keychain (the default: the OS keychain) " +
          "or file (a 0600 file in the data folder, insecure)",
      ),
    );
  });

  it("does not load the native keychain module until the keychain is used", async () => {
    const script = `
      const { openSecretStore } = await import(process.argv[1]);
      openSecretStore({});
      const { default: Module } = await import("node:module");
      process.stdout.write(JSON.stringify(Object.keys(Module._cache).filter((path) => path.includes("keytar"))));
    `;
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        script,
        join(ROOT, "src/main/keystore/open-secret-store.ts"),
      ],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe("dataDir", () => {
  it.each<[string, NodeJS.Platform, NodeJS.ProcessEnv, string]>([
    [
      "GATEHOUSE_DATA_DIR first",
      "linux",
      { GATEHOUSE_DATA_DIR: "/srv/gh", HOME: "/home/u" },
      "/srv/gh",
    ],
    [
      "GATEHOUSE_DATA_DIR on Windows",
      "win32",
      { GATEHOUSE_DATA_DIR: "D:\\gh", APPDATA: "C:\\x" },
      "D:\\gh",
    ],
    [
      "Linux, XDG_CONFIG_HOME",
      "linux",
      { XDG_CONFIG_HOME: "/cfg", HOME: "/home/u" },
      "/cfg/gatehouse",
    ],
    ["Linux, ~/.config", "linux", { HOME: "/home/u" }, "/home/u/.config/gatehouse"],
    [
      "Linux, relative XDG_CONFIG_HOME ignored",
      "linux",
      { XDG_CONFIG_HOME: "cfg", HOME: "/home/u" },
      "/home/u/.config/gatehouse",
    ],
    ["FreeBSD as Linux", "freebsd", { HOME: "/home/u" }, "/home/u/.config/gatehouse"],
    [
      "macOS",
      "darwin",
      { HOME: "/Users/u", XDG_CONFIG_HOME: "/cfg" },
      "/Users/u/Library/Application Support/Gatehouse",
    ],
    [
      "Windows, APPDATA",
      "win32",
      { APPDATA: "C:\\Users\\u\\AppData\\Roaming" },
      "C:\\Users\\u\\AppData\\Roaming\\Gatehouse",
    ],
    [
      "Windows, no APPDATA",
      "win32",
      { USERPROFILE: "C:\\Users\\u" },
      "C:\\Users\\u\\AppData\\Roaming\\Gatehouse",
    ],
  ])("%s", (_, platform, env, expected) => {
    expect(dataDir(env, platform)).toBe(expected);
  });

  it("defaults to this process's environment and platform", () => {
    expect(dataDir()).toBe(dataDir(process.env, process.platform));
  });

  it.skipIf(process.platform === "win32")(
    "is created 0700 with its parents by ensureDataDir",
    async () => {
      const dir = join(temporaryDir(), "a", "b");
      await ensureDataDir(dir);
      await ensureDataDir(dir); // again: no error for an existing folder
      expect(modeOf(dir)).toBe(0o700);
      expect(modeOf(join(dir, ".."))).toBe(0o700);
    },
  );
});
