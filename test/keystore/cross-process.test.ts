import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { IdentityStore } from "../../src/main/keystore/identities";
import { KeystoreError } from "../../src/main/keystore/keystore-error";
import { waitFor, within } from "../cli/helpers";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const temporaryDirs: string[] = [];
const temporaryDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-cross-process-"));
  temporaryDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** A child process running the keystore's source through tsx, with what it has printed. */
interface Child {
  process: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<number | null>;
}

const children = new Set<Child>();
afterAll(async () => {
  for (const child of children) child.process.kill("SIGKILL");
  await Promise.all([...children].map((child) => child.exited));
});

/** Runs `script` as an ES module in a new node process; argv[1] is the repository root. */
function startChild(script: string, ...args: string[]): Child {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script, ROOT, ...args],
    { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const running: Child = {
    process: child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited: new Promise((resolve) =>
      child.once("close", (code) => {
        children.delete(running);
        resolve(code);
      }),
    ),
  };
  children.add(running);
  return running;
}

// Opens the keystore (private keys in the file store) and the identities of one data folder,
// says "ready", and on a line from the test adds `count` keys and `count` identities named
// after `writer`, one after another, as the app and a `gatehouse` command would.
const ADD_MANY = `
const [root, dir, writer, count] = process.argv.slice(1);
const { Keystore } = await import(root + "src/main/keystore/keystore.ts");
const { IdentityStore } = await import(root + "src/main/keystore/identities.ts");
const { FileSecretStore } = await import(root + "src/main/keystore/file-secret-store.ts");
const keystore = await Keystore.open({ dataDir: dir, secrets: new FileSecretStore(dir) });
const identities = await IdentityStore.open(dir);
process.stdout.write("ready\\n");
await new Promise((go) => process.stdin.once("data", go));
for (let i = 0; i < Number(count); i++) {
  await identities.save({ name: writer + "-" + i, claims: {} });
  await keystore.create({ alg: "ES256", label: writer + "-" + i });
}
process.exit(0);
`;

// Takes the lock of a file as every keystore change does, says "locked", and holds it until
// its standard input closes.
const HOLD_LOCK = `
const [root, path] = process.argv.slice(1);
const { withFileLock } = await import(root + "src/main/keystore/file-lock.ts");
await withFileLock(path, async () => {
  process.stdout.write("locked\\n");
  await new Promise((done) => process.stdin.on("data", () => {}).once("end", done));
});
`;

async function holdLock(path: string): Promise<Child> {
  const holder = startChild(HOLD_LOCK, path);
  await waitFor(`a process to lock ${path}`, () => holder.stdout.includes("locked"), 20_000);
  return holder;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as unknown;

describe("the keystore files, changed by several processes at once", () => {
  it("keep every key, private key and identity that each process added", async () => {
    const dir = join(temporaryDir(), "data");
    const writers = ["app", "cli-1", "cli-2"];
    const count = 30;
    const running = writers.map((writer) => startChild(ADD_MANY, dir, writer, String(count)));
    // All start together, once their imports are done, so that their changes interleave.
    await waitFor(
      "every writer to be ready",
      () => running.every((child) => child.stdout.includes("ready")),
      20_000,
    );
    for (const child of running) child.process.stdin?.end("go\n");
    for (const child of running) {
      expect(await within(child.exited, 60_000, "a writer to finish"), child.stderr).toBe(0);
    }

    const expected = writers.flatMap((writer) =>
      Array.from({ length: count }, (_, i) => `${writer}-${i}`),
    );
    const { identities } = readJson(join(dir, "identities.json")) as {
      identities: { name: string }[];
    };
    expect(identities.map((identity) => identity.name).sort()).toEqual([...expected].sort());
    const { keys } = readJson(join(dir, "keys.json")) as { keys: { kid: string; label: string }[] };
    expect(keys.map((key) => key.label).sort()).toEqual([...expected].sort());
    const kids = keys.map((key) => key.kid).sort();
    const jwks = readJson(join(dir, "jwks.json")) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual(kids);
    const privateKeys = readJson(join(dir, "private-keys.json")) as Record<string, string>;
    expect(Object.keys(privateKeys).sort()).toEqual(kids);
    expect(statSync(join(dir, "private-keys.json")).mode & 0o777).toBe(0o600);
    // No lock or temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual([
      "identities.json",
      "jwks.json",
      "keys.json",
      "private-keys.json",
    ]);
  }, 90_000);
});

describe("a keystore file locked by another process", () => {
  // Concurrent: each waits out the lock timings, which are seconds.
  it.concurrent(
    "is taken over once its holder has died without unlocking it",
    async ({ expect }) => {
      const dir = join(temporaryDir(), "data");
      const path = join(dir, "identities.json");
      const holder = await holdLock(path);
      holder.process.kill("SIGKILL"); // no exit handler runs: the lock stays behind
      await within(holder.exited, 10_000, "the lock holder to die");
      expect(existsSync(`${path}.lock`)).toBe(true);

      const identities = await IdentityStore.open(dir);
      await identities.save({ name: "after-the-crash", claims: {} });
      expect((await IdentityStore.open(dir)).list().map((each) => each.name)).toEqual([
        "after-the-crash",
      ]);
      expect(existsSync(`${path}.lock`)).toBe(false);
    },
    40_000,
  );

  it.concurrent(
    "fails a change with an error naming the file when its holder keeps it too long",
    async ({ expect }) => {
      const dir = join(temporaryDir(), "data");
      const path = join(dir, "identities.json");
      const holder = await holdLock(path);
      const identities = await IdentityStore.open(dir);

      const error = await identities
        .save({ name: "too-soon", claims: {} })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(KeystoreError);
      expect((error as Error).message).toBe(
        `${path} is being changed by another Gatehouse process (the app or a gatehouse ` +
          `command), which has not let go of its lock (${path}.lock) within 15 s: retry when ` +
          `it has finished`,
      );

      holder.process.stdin?.end();
      expect(await within(holder.exited, 10_000, "the lock holder to finish")).toBe(0);
      await identities.save({ name: "once-released", claims: {} });
      expect(identities.list().map((each) => each.name)).toEqual(["once-released"]);
    },
    60_000,
  );
});
