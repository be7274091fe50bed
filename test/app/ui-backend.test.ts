import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import { GatehouseService } from "../../src/main/app/service";
import { UiBackend } from "../../src/main/app/api/ui-backend";
import type { NoticeEvent } from "../../src/main/gateway/log-event";
import type { UiEvent } from "../../src/shared/ui-api";
import { EVERYTHING, freePort } from "../relay/harness";

const RULES = `      rules:
        - 'mcp.tool.name == "echo"'
        - allow: '"writer" in jwt.roles && mcp.tool.name == "get-sum"'
`;

const config = (port: number, jwks: string, mcpAuthorization = `    mcpAuthorization:\n${RULES}`) =>
  `# Written by the UI backend test: this comment must survive an apply.
mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: gatehouse.local
      audiences: [gatehouse]
      jwks:
        file: ${jwks}
${mcpAuthorization}  targets:
    - name: everything
      stdio:
        cmd: ${process.execPath}
        args: [${EVERYTHING}, stdio]
`;

describe("the UI backend", () => {
  let dir: string;
  let file: string;
  let port: number;
  let jwks: string;
  let service: GatehouseService;
  let backend: UiBackend;
  const env = () => ({ ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_KEYSTORE: "file" });
  const events: UiEvent[] = [];
  const notices: NoticeEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-ui-"));
    const issuer = await LocalIssuer.open(env());
    await issuer.keystore.create({ alg: "ES256" });
    await issuer.identities.save({ name: "alice", claims: { sub: "alice", roles: ["writer"] } });
    await issuer.identities.save({ name: "bob", claims: { sub: "bob", roles: [] } });
    jwks = issuer.keystore.jwksPath;
    port = await freePort();
    file = join(dir, "config.yaml");
    await writeFile(file, config(port, jwks));
    service = new GatehouseService({ configPath: file, env: env(), initializeTimeoutMs: 15_000 });
    service.bus.subscribe((e) => e.kind === "notice" && notices.push(e));
    await service.start();
    backend = new UiBackend({ service, issuer: () => LocalIssuer.open(env()), dataDir: dir });
    await backend.start();
    backend.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await backend?.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows the config's routes and a target that comes up when a client connects", async () => {
    const before = await backend.status();
    const route = before.listeners[0]?.routes[0];
    expect(route).toMatchObject({
      endpoint: `http://localhost:${port}/mcp`,
      policies: ["jwtAuth", "mcpAuthorization"],
      targets: [{ name: "everything", kind: "stdio", state: "idle" }],
    });
    expect(before).toMatchObject({ configSource: file, paused: false, sessions: 0 });

    const session = await backend.connectPlayground({ identity: "alice" });
    const after = await backend.status();
    expect(after.listeners[0]?.routes[0]?.targets[0]?.state).toBe("up");
    expect(after.sessions).toBe(1);
    expect(after.counts.allowed).toBeGreaterThan(0);
    expect(events.some((e) => e.type === "status")).toBe(true);
    await backend.disconnectPlayground(session.id);
  });

  it("lets each identity see and call only what mcpAuthorization allows it", async () => {
    const alice = await backend.connectPlayground({ identity: "alice" });
    const bob = await backend.connectPlayground({ identity: "bob" });
    expect(alice.tools.map((t) => t.name).sort()).toEqual(["echo", "get-sum"]);
    expect(bob.tools.map((t) => t.name)).toEqual(["echo"]);

    expect(await backend.callTool(alice.id, "echo", { message: "hi" })).toMatchObject({
      ok: true,
      content: [{ type: "text", text: "Echo: hi" }],
    });
    expect(await backend.callTool(bob.id, "get-sum", { a: 1, b: 2 })).toEqual({
      ok: false,
      error: "Unknown tool: get-sum",
    });

    const anonymous = backend.connectPlayground({ anonymous: true });
    await expect(anonymous).rejects.toThrow(/HTTP 401: authentication failure/);
    await backend.disconnectPlayground(alice.id);
    await backend.disconnectPlayground(bob.id);
  });

  it("logs a denied call, keeps it in denials.jsonl, and shows it again after a restart", async () => {
    const denied = (await backend.recentRequests(50)).find(
      (e) => e.method === "tools/call" && e.name === "get-sum",
    );
    expect(denied).toMatchObject({ denied: true, subject: "bob", status: 200 });
    expect((await backend.status()).counts.denied).toBeGreaterThanOrEqual(2); // and the 401

    const next = new UiBackend({ service, issuer: () => LocalIssuer.open(env()), dataDir: dir });
    await backend.close(); // flushes the file
    const lines = (await readFile(join(dir, "denials.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ name: "get-sum", subject: "bob", denied: true }),
    );
    await next.start();
    const shown = await next.recentRequests(10);
    expect(shown.filter((e) => e.name === "get-sum" && e.denied)).toHaveLength(1);
    expect(shown.every((e) => e.denied)).toBe(true);
    backend = next;
    backend.subscribe((event) => events.push(event));
  });

  it("builds the access matrix with the gateway's own rules, matching the playground", async () => {
    const [matrix] = await backend.accessMatrix();
    expect(matrix?.route).toBe("default");
    expect(matrix?.identities).toEqual(["alice", "bob"]);
    const names = matrix?.tools.map((t) => t.name) ?? [];
    expect(names).toContain("get-sum");
    expect(matrix?.tools[0]?.target).toBe("everything");

    for (const [i, identity] of (matrix?.identities ?? []).entries()) {
      const session = await backend.connectPlayground({ identity });
      const allowed = matrix?.tools.filter((_, t) => matrix.cells[i]?.[t]?.allowed);
      expect(allowed?.map((t) => t.exposed).sort()).toEqual(
        session.tools.map((t) => t.name).sort(),
      );
      await backend.disconnectPlayground(session.id);
    }
    const bobGetSum = matrix?.cells[1]?.[names.indexOf("get-sum")];
    expect(bobGetSum).toEqual({ allowed: false, reason: "no allow rule matched" });
  });

  it("writes client settings that carry a minted token", async () => {
    const setup = await backend.clientSetup("alice");
    expect(setup.endpoint).toBe(`http://localhost:${port}/mcp`);
    expect(setup.token).toBeTruthy();
    expect(setup.snippets.map((s) => s.client)).toEqual([
      "Claude Desktop",
      "Cursor",
      "VS Code",
      "MCP Inspector",
    ]);
    for (const snippet of setup.snippets) {
      expect(snippet.text).toContain(setup.endpoint);
      expect(snippet.text).toContain(`Bearer ${setup.token}`);
    }
    const claude = JSON.parse(setup.snippets[0]?.text ?? "");
    // npx asks before installing mcp-remote, and Claude Desktop gives it no terminal to answer.
    expect(claude.mcpServers.gatehouse).toMatchObject({
      command: "npx",
      args: [
        "-y",
        "mcp-remote",
        setup.endpoint,
        "--header",
        `Authorization: Bearer ${setup.token}`,
      ],
    });
    const vscode = JSON.parse(setup.snippets[2]?.text ?? "");
    expect(vscode.servers.gatehouse).toMatchObject({ type: "http", url: setup.endpoint });
    expect((await backend.clientSetup(null)).token).toBeUndefined();
  });

  it("answers 503 to everything while paused, and logs it", async () => {
    expect((await backend.setPaused(true)).paused).toBe(true);
    const answer = await fetch(`http://127.0.0.1:${port}/mcp`, { method: "POST", body: "{}" });
    expect(answer.status).toBe(503);
    expect(await answer.text()).toBe("Gatehouse is paused");
    expect((await backend.recentRequests(1))[0]).toMatchObject({ status: 503, denied: false });
    expect((await backend.setPaused(false)).paused).toBe(false);
  });

  it("applies a valid config once, as written, and refuses an invalid one", async () => {
    const edited = config(port, jwks, "").replace("UI backend test", "UI backend test, edited");
    expect(await backend.checkConfig(edited)).toEqual({ problems: [], warnings: [] });
    const seen = notices.length;
    expect(await backend.applyConfig(edited)).toEqual({ applied: true, warnings: [] });
    expect(await readFile(file, "utf8")).toBe(edited);
    expect((await backend.readConfig()).text).toBe(edited);
    expect((await backend.status()).listeners[0]?.routes[0]?.policies).toEqual(["jwtAuth"]);
    // The watcher sees the saved file too, but the same text is not applied twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notices.slice(seen).filter((n) => /config reloaded/.test(n.message))).toHaveLength(1);

    const broken = edited.replace("mode: strict", "mode: strict\n      colour: blue");
    const result = await backend.applyConfig(broken);
    expect(result).toMatchObject({
      applied: false,
      problems: [{ line: 7, col: 7, message: expect.stringContaining('unknown key "colour"') }],
    });
    const badRule = config(
      port,
      jwks,
      "    mcpAuthorization:\n      rules: ['mcp.tool.name ==']\n",
    );
    const [problem] = (await backend.checkConfig(badRule)).problems;
    expect(problem).toMatchObject({ line: 12, path: expect.stringContaining("rules[0]") });
    expect(await readFile(file, "utf8")).toBe(edited);

    const session = await backend.connectPlayground({ identity: "bob" });
    expect(session.tools.map((t) => t.name)).toContain("get-sum");
    await backend.disconnectPlayground(session.id);
  });
});
