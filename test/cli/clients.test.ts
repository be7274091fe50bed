import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "jsonc-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import { run } from "./helpers";

// `gatehouse clients` through the real CLI process, with the clients' files in a temporary
// HOME (and XDG_CONFIG_HOME): a config whose jwtAuth trusts the keystore, so that the tokens
// it writes are verified as the gateway would verify them.
const PORT = 43117;
const ENDPOINT = `http://localhost:${PORT}/mcp`;

// Each test runs the CLI up to five times, each a Node start on two shared cores.
describe("gatehouse clients", { timeout: 90_000 }, () => {
  let root: string;
  let data: string;
  let config: string;
  const made: string[] = [];

  /** A fresh HOME and XDG_CONFIG_HOME for one test, and the environment the CLI runs in. */
  async function machine(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
    const home = await mkdtemp(join(root, "home-"));
    made.push(home);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, "xdg"),
      GATEHOUSE_DATA_DIR: data,
      GATEHOUSE_KEYSTORE: "file",
    };
    return { home, env };
  }
  const gatehouse = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    run(["clients", ...args, "-f", config], 20_000, env);
  const json = async (file: string) => JSON.parse(await readFile(file, "utf8"));
  const backupsOf = (file: string) =>
    readdirSync(join(file, "..")).filter((name) => name.startsWith(`${basename(file)}.bak-`));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "gatehouse-clients-"));
    data = join(root, "data");
    const issuer = await LocalIssuer.open({ GATEHOUSE_DATA_DIR: data, GATEHOUSE_KEYSTORE: "file" });
    await issuer.keystore.create({ alg: "ES256" });
    await issuer.identities.save({ name: "alice", claims: { sub: "alice" } });
    // Same keys, another audience than the config's jwtAuth accepts.
    await issuer.identities.save({
      name: "mallory",
      claims: { sub: "mallory" },
      audience: "elsewhere",
    });
    config = join(root, "config.yaml");
    await writeFile(
      config,
      [
        "mcp:",
        `  port: ${PORT}`,
        "  policies:",
        "    jwtAuth:",
        "      mode: strict",
        "      issuer: gatehouse.local",
        "      audiences: [gatehouse]",
        "      jwks:",
        `        file: ${issuer.keystore.jwksPath}`,
        "  targets:",
        "    - name: demo",
        "      stdio: { cmd: node, args: [demo.js] }",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates a missing file and its folder, 0600, with a token the config accepts", async () => {
    const { home, env } = await machine();
    const result = await gatehouse(env, "install", "cursor", "--identity", "alice");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const file = join(home, ".cursor", "mcp.json");
    expect(result.stdout).toContain(`set up Cursor in ${file}`);
    expect(result.stdout).not.toContain("previous file");
    const written = await json(file);
    expect(written).toEqual({
      mcpServers: {
        gatehouse: {
          url: ENDPOINT,
          headers: { Authorization: expect.stringMatching(/^Bearer ey/) },
        },
      },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toMatch(/^\{\n {2}"mcpServers": \{\n {4}"gatehouse"/);

    const list = await gatehouse(env, "list", "--json");
    expect(list.code).toBe(0);
    const cursor = JSON.parse(list.stdout).find((c: { client: string }) => c.client === "cursor");
    expect(cursor).toMatchObject({
      installed: true,
      url: ENDPOINT,
      token: { verdict: "accepted", subject: "alice" },
    });
  });

  it("keeps every other server and key, replaces an old gatehouse entry and keeps a backup", async () => {
    const { home, env } = await machine();
    const file = join(home, ".claude.json");
    const before = `${JSON.stringify(
      {
        numStartups: 41,
        projects: { "/src/app": { mcpServers: { local: { command: "x" } } } },
        mcpServers: {
          playwright: { command: "npx", args: ["@playwright/mcp@latest"] },
          gatehouse: { type: "sse", url: "http://localhost:1/old" },
        },
        oauthAccount: { emailAddress: "someone@example.com" },
      },
      null,
      2,
    )}\n`;
    await writeFile(file, before, { mode: 0o644 });

    const result = await gatehouse(env, "install", "claude-code");
    expect(result.code).toBe(0);
    const after = await json(file);
    expect(after).toEqual({
      numStartups: 41,
      projects: { "/src/app": { mcpServers: { local: { command: "x" } } } },
      mcpServers: {
        playwright: { command: "npx", args: ["@playwright/mcp@latest"] },
        gatehouse: { type: "http", url: ENDPOINT },
      },
      oauthAccount: { emailAddress: "someone@example.com" },
    });
    // No token in it: the file keeps its mode.
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const [backup, ...more] = backupsOf(file);
    expect(more).toEqual([]);
    expect(backup).toMatch(/^\.claude\.json\.bak-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(await readFile(join(home, backup as string), "utf8")).toBe(before);
    expect(result.stdout).toContain(`the previous file is kept as ${join(home, backup as string)}`);

    const list = await gatehouse(env, "list");
    expect(list.stdout).toMatch(new RegExp(`claude-code\\s+yes\\s+${ENDPOINT}\\s+none`));
  });

  it("refuses a file that is not JSON, at file:line:col, and writes nothing", async () => {
    const { home, env } = await machine();
    const file = join(home, ".codeium", "windsurf", "mcp_config.json");
    await mkdir(join(file, ".."), { recursive: true });
    const broken = '{\n  "mcpServers": {\n    "a": { "serverUrl": "http://x" },\n  }\n}\n';
    await writeFile(file, broken);
    const result = await gatehouse(env, "install", "windsurf", "--identity", "alice");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `gatehouse: ${file}:4:3: not valid JSON: a property name was expected (a trailing comma?); nothing was written\n`,
    );
    expect(await readFile(file, "utf8")).toBe(broken);
    expect(backupsOf(file)).toEqual([]);

    await writeFile(file, '{\n  // mine\n  "mcpServers": {}\n}\n');
    const comment = await gatehouse(env, "install", "windsurf");
    expect(comment.stderr).toContain(
      `${file}:2:3: not valid JSON: a comment, which Windsurf does not accept in this file`,
    );

    const list = await gatehouse(env, "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`problem: ${file}:2:3: not valid JSON`);
  });

  it("edits VS Code's mcp.json as JSON with comments, keeping them", async () => {
    const { home, env } = await machine();
    const file = join(home, "xdg", "Code", "User", "mcp.json");
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(
      file,
      '{\n  // my servers\n  "servers": {\n    "memory": { "command": "npx", "args": ["-y", "m"] },\n  },\n  "inputs": [],\n}\n',
    );
    const result = await gatehouse(env, "install", "vscode", "--identity", "alice");
    expect(result.code).toBe(0);
    const text = await readFile(file, "utf8");
    expect(text).toContain("// my servers");
    // The other entries, with their values as they were: only the layout of the object that
    // gains the entry follows the 2-space formatting.
    const parsed = parse(text, [], { allowTrailingComma: true });
    expect(parsed.servers.memory).toEqual({ command: "npx", args: ["-y", "m"] });
    expect(parsed.inputs).toEqual([]);
    expect(text).toMatch(
      /"gatehouse": \{\n\s+"type": "http",\n\s+"url": "http:\/\/localhost:43117\/mcp"/,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("--dry-run prints the file it would write and writes nothing", async () => {
    const { home, env } = await machine();
    const result = await gatehouse(
      env,
      "install",
      "claude-desktop",
      "--identity",
      "alice",
      "--dry-run",
    );
    expect(result.code).toBe(0);
    const file = join(home, "xdg", "Claude", "claude_desktop_config.json");
    expect(result.stderr).toBe(`dry run, nothing written: ${file} would be\n`);
    const shown = JSON.parse(result.stdout);
    expect(shown).toEqual({
      mcpServers: {
        gatehouse: {
          command: "npx",
          args: ["-y", "mcp-remote", ENDPOINT, "--header", "Authorization:${AUTH_HEADER}"],
          env: { AUTH_HEADER: expect.stringMatching(/^Bearer ey/) },
        },
      },
    });
    expect(existsSync(join(home, "xdg"))).toBe(false);
  });

  it("--project writes the project's file and warns that it holds a token", async () => {
    const { home, env } = await machine();
    const project = join(home, "repo");
    await mkdir(project);
    const result = await gatehouse(
      env,
      "install",
      "claude-code",
      "--project",
      project,
      "--identity",
      "alice",
    );
    expect(result.code).toBe(0);
    const file = join(project, ".mcp.json");
    expect(result.stderr).toBe(
      `warning: ${file} holds a bearer token: keep it out of version control\n`,
    );
    expect((await json(file)).mcpServers.gatehouse).toMatchObject({ type: "http", url: ENDPOINT });
    expect(existsSync(join(home, ".claude.json"))).toBe(false);

    const list = await gatehouse(env, "list", "--project", project, "--json");
    const listed = JSON.parse(list.stdout) as { client: string; installed: boolean }[];
    expect(listed.map((each) => [each.client, each.installed])).toEqual([
      ["claude-code", true],
      ["cursor", false],
      ["vscode", false],
    ]);

    const windsurf = await gatehouse(env, "install", "windsurf", "--project", project);
    expect(windsurf.code).toBe(1);
    expect(windsurf.stderr).toContain("Windsurf reads no project file");
    const missing = await gatehouse(env, "install", "cursor", "--project", join(home, "nowhere"));
    expect(missing.stderr).toContain(`the project folder ${join(home, "nowhere")} does not exist`);
    expect(existsSync(join(home, "nowhere"))).toBe(false);
  });

  it("lists a token the config refuses, with the gateway's reason", async () => {
    const { env } = await machine();
    expect((await gatehouse(env, "install", "windsurf", "--identity", "mallory")).code).toBe(0);
    expect((await gatehouse(env, "install", "cursor", "--identity", "alice")).code).toBe(0);
    const list = await gatehouse(env, "list", "--json");
    const byClient = Object.fromEntries(
      (JSON.parse(list.stdout) as { client: string }[]).map((each) => [each.client, each]),
    );
    expect(byClient.windsurf).toMatchObject({
      installed: true,
      url: ENDPOINT,
      token: { verdict: "refused", subject: "mallory", reason: expect.stringMatching(/aud/) },
    });
    expect(byClient.cursor).toMatchObject({ token: { verdict: "accepted" } });
    expect(byClient["claude-desktop"]).toMatchObject({ installed: false });
    const text = await gatehouse(env, "list");
    expect(text.stdout).toMatch(/windsurf\s+yes\s+\S+\s+refused \(mallory, expires [^)]+\): /);
    expect(text.stdout).toMatch(/cursor\s+yes\s+\S+\s+verifies \(alice, expires /);
  });

  it("refuses a file larger than a client's config could be, and unknown clients", async () => {
    const { home, env } = await machine();
    const file = join(home, ".cursor", "mcp.json");
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, `{"pad": "${"x".repeat(5 * 1024 * 1024)}"}`);
    const big = await gatehouse(env, "install", "cursor");
    expect(big.code).toBe(1);
    expect(big.stderr).toBe(
      `gatehouse: ${file} is larger than 4 MB, more than any MCP client's config: it is left as it is\n`,
    );
    const unknown = await gatehouse(env, "install", "emacs");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'clients install knows claude-desktop, claude-code, cursor, vscode, windsurf, not "emacs"',
    );
  });
});
