import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDispatcher, type Dispatch } from "../../src/main/app/api/dispatch";
import { UiBackend } from "../../src/main/app/api/ui-backend";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import { GatehouseService } from "../../src/main/app/service";
import type { ClientInstallation, ClientInstallResult } from "../../src/shared/ui-api";
import { EVERYTHING, freePort } from "../relay/harness";

// The Clients page's Install button: the UI API's installClient and clientInstallations, through
// the one validating door, against a running gateway whose jwtAuth trusts the keystore.
describe("installing clients through the UI API", () => {
  let dir: string;
  let home: string;
  let port: number;
  let service: GatehouseService;
  let backend: UiBackend;
  let dispatch: Dispatch;
  const env = () => ({ ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_KEYSTORE: "file" });
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const result = await dispatch(method, args);
    if (!result.ok) throw new Error(result.error);
    return result.value as T;
  };
  const installations = (project: string | null = null) =>
    call<ClientInstallation[]>("clientInstallations", project);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-install-"));
    home = join(dir, "home");
    await mkdir(home);
    const issuer = await LocalIssuer.open(env());
    await issuer.keystore.create({ alg: "ES256" });
    await issuer.identities.save({ name: "alice", claims: { sub: "alice" } });
    port = await freePort();
    const file = join(dir, "config.yaml");
    await writeFile(
      file,
      `mcp:
  port: ${port}
  policies:
    jwtAuth:
      mode: strict
      issuer: gatehouse.local
      audiences: [gatehouse]
      jwks:
        file: ${issuer.keystore.jwksPath}
  targets:
    - name: everything
      stdio:
        cmd: ${process.execPath}
        args: [${EVERYTHING}, stdio]
`,
    );
    service = new GatehouseService({ configPath: file, env: env() });
    await service.start();
    backend = new UiBackend({
      service,
      issuer: () => LocalIssuer.open(env()),
      dataDir: dir,
      clientPlace: { platform: "linux", env: { HOME: home } },
    });
    await backend.start();
    dispatch = createDispatcher(backend);
  });
  afterAll(async () => {
    await backend?.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the client's file with a token the running gateway accepts, and lists it", async () => {
    const before = await installations();
    expect(before.map((each) => [each.client, each.installed])).toEqual([
      ["claude-desktop", false],
      ["claude-code", false],
      ["cursor", false],
      ["vscode", false],
      ["windsurf", false],
    ]);
    expect(before[3]?.file).toBe(join(home, ".config", "Code", "User", "mcp.json"));

    const result = await call<ClientInstallResult>("installClient", "vscode", "alice", {
      project: null,
      dryRun: false,
    });
    const file = join(home, ".config", "Code", "User", "mcp.json");
    expect(result).toMatchObject({ client: "vscode", name: "VS Code", file, written: true });
    expect(result.backup).toBeUndefined();
    expect(Date.parse(result.expiresAt as string)).toBeGreaterThan(Date.now() + 7 * 3600_000);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      servers: {
        gatehouse: {
          type: "http",
          url: `http://localhost:${port}/mcp`,
          headers: { Authorization: expect.stringMatching(/^Bearer /) },
        },
      },
    });
    expect(await readFile(file, "utf8")).toBe(result.text);

    const vscode = (await installations()).find((each) => each.client === "vscode");
    expect(vscode).toMatchObject({
      installed: true,
      url: `http://localhost:${port}/mcp`,
      token: { verdict: "accepted", subject: "alice", expiresAt: result.expiresAt },
    });
  });

  it("a dry run writes nothing; a project must be absolute and the client must be known", async () => {
    const project = join(dir, "repo");
    await mkdir(project);
    const dry = await call<ClientInstallResult>("installClient", "cursor", null, {
      project,
      dryRun: true,
    });
    expect(dry).toMatchObject({ written: false, file: join(project, ".cursor", "mcp.json") });
    expect(JSON.parse(dry.text)).toEqual({
      mcpServers: { gatehouse: { url: `http://localhost:${port}/mcp` } },
    });
    expect(existsSync(join(project, ".cursor"))).toBe(false);

    await expect(
      call("installClient", "cursor", null, { project: "repo", dryRun: false }),
    ).rejects.toThrow(
      "invalid arguments to installClient: argument 3 (project): the project folder is an absolute path",
    );
    await expect(
      call("installClient", "emacs", null, { project: null, dryRun: false }),
    ).rejects.toThrow(/^invalid arguments to installClient: argument 1: /);
    await expect(
      call("installClient", "cursor", "nobody", { project: null, dryRun: false }),
    ).rejects.toThrow('no identity "nobody"');
  });

  it("lists a token as refused once its signing key is deleted", async () => {
    await call("installClient", "windsurf", "alice", { project: null, dryRun: false });
    const [key] = await call<{ kid: string }[]>("listKeys");
    await call("deleteKey", key?.kid);
    // The running gateway reloads the JWKS file when it changes: wait for it to see the change.
    const deadline = Date.now() + 15_000;
    let windsurf: ClientInstallation | undefined;
    for (;;) {
      windsurf = (await installations()).find((each) => each.client === "windsurf");
      if (windsurf?.token?.verdict !== "accepted" || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(windsurf).toMatchObject({
      installed: true,
      token: { verdict: "refused", subject: "alice", reason: expect.stringContaining("mcp/") },
    });
  });
});
