import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer } from "../../src/main/app/local-issuer";
import { GatehouseService } from "../../src/main/app/service";
import { UiBackend } from "../../src/main/app/api/ui-backend";
import { fixture, freePort, isRunning, waitFor } from "../relay/harness";

/**
 * The Access page lists each route's tools: kept per applied config, so a second visit spawns
 * no target, listed again when a target says its list changed, and spawned anew for a new
 * config. The recording server writes every line it receives, so each start is an initialize.
 */
const config = (port: number, record: string, toolsFile: string, route = "files") => `binds:
- port: ${port}
  listeners:
  - routes:
    - name: ${route}
      backends:
      - mcp:
          targets:
          - name: fs
            stdio:
              cmd: ${JSON.stringify(process.execPath)}
              args: [${JSON.stringify(fixture("recording-server.mjs"))}]
              env: { RECORD_FILE: ${JSON.stringify(record)}, TOOLS_FILE: ${JSON.stringify(toolsFile)} }
`;

describe("the Access page's tool lists", () => {
  let dir: string;
  let port: number;
  let record: string;
  let toolsFile: string;
  let service: GatehouseService;
  let backend: UiBackend;
  const env = () => ({ ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_KEYSTORE: "file" });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-tool-lists-"));
    record = join(dir, "received.jsonl");
    toolsFile = join(dir, "tools.txt");
    await writeFile(toolsFile, "read_file,write_file");
    const issuer = await LocalIssuer.open(env());
    await issuer.keystore.create({ alg: "ES256" });
    await issuer.identities.save({ name: "alice", claims: { sub: "alice" } });
    port = await freePort();
    const file = join(dir, "config.yaml");
    await writeFile(file, config(port, record, toolsFile));
    service = new GatehouseService({ configPath: file, env: env(), initializeTimeoutMs: 15_000 });
    await service.start();
    backend = new UiBackend({ service, issuer: () => LocalIssuer.open(env()), dataDir: dir });
    await backend.start();
  }, 30_000);
  afterAll(async () => {
    await backend?.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const starts = async () =>
    (await readFile(record, "utf8").catch(() => ""))
      .split("\n")
      .filter((line) => line.includes('"method":"initialize"')).length;
  const toolNames = async () => (await backend.accessMatrix())[0]?.tools.map((t) => t.name);

  it("spawns a route's target once per config, and lists again when its tools change", async () => {
    expect(await toolNames()).toEqual(["read_file", "write_file"]);
    expect(await toolNames()).toEqual(["read_file", "write_file"]);
    expect(await starts()).toBe(1);

    await writeFile(toolsFile, "read_file,write_file,delete_file");
    let names: string[] | undefined;
    // The target sees the file change within a poll of 50 ms; bounded, for a loaded machine.
    for (let i = 0; i < 300 && names?.length !== 3; i++) {
      names = await toolNames();
      if (names?.length !== 3) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(names).toEqual(["read_file", "write_file", "delete_file"]);
    expect(await starts()).toBe(1);
    const [pid] = service.gateway.targetPids();
    expect(pid).toBeDefined();

    // Another config: the kept list and its target go, and the new route is listed afresh.
    await backend.applyConfig(config(port, record, toolsFile, "renamed"));
    expect((await backend.accessMatrix())[0]?.route).toBe("renamed");
    expect(await starts()).toBe(2);
    await waitFor("the old listing target to stop", () => !isRunning(pid as number), 15_000);
  }, 60_000);
});
