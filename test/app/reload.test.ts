import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseService } from "../../src/main/app/service";
import type { NoticeEvent } from "../../src/main/gateway/log-event";
import { connect, EVERYTHING, freePort, textOf, waitFor } from "../relay/harness";

const config = (port: number, prefixMode: string, extra = "") => `
mcp:
  port: ${port}
  prefixMode: ${prefixMode}
  targets:
    - name: everything
      stdio:
        cmd: ${process.execPath}
        args: [${EVERYTHING}, stdio]
${extra}`;

describe("hot reload of the config file", () => {
  let dir: string;
  let file: string;
  let port: number;
  let service: GatehouseService;
  const notices: NoticeEvent[] = [];
  const clients: Client[] = [];
  const open = async () => {
    const client = await connect(`http://127.0.0.1:${port}/mcp`);
    clients.push(client);
    return client;
  };
  const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);
  const noticeCount = () => notices.length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-reload-"));
    file = join(dir, "config.yaml");
    port = await freePort();
    await writeFile(file, config(port, "conditional"));
    service = new GatehouseService({ configPath: file });
    service.bus.subscribe((e) => e.kind === "notice" && notices.push(e));
    await service.start();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies a saved edit to new sessions within a second, while open sessions go on", async () => {
    const before = await open();
    expect(await toolNames(before)).toContain("echo");

    const seen = noticeCount();
    await writeFile(file, config(port, "always"));
    await waitFor(
      "the reload notice",
      () => notices.slice(seen).some((n) => /config reloaded/.test(n.message)),
      2000,
    );

    const after = await open();
    expect(await toolNames(after)).toContain("everything_echo");
    expect(
      textOf(await before.callTool({ name: "echo", arguments: { message: "still served" } })),
    ).toContain("still served");
  });

  it("reports an invalid edit with its position and keeps serving the previous config", async () => {
    const seen = noticeCount();
    await writeFile(file, config(port, "always", "  colour: blue\n"));
    await waitFor(
      "the error notice",
      () => notices.slice(seen).some((n) => n.level === "error"),
      2000,
    );
    const [error] = notices.slice(seen).filter((n) => n.level === "error");
    expect(error?.message).toContain("the previous config keeps serving");
    expect(error?.message).toContain(`${file}:10:3: mcp.colour: unknown key "colour"`);

    const client = await open();
    expect(await toolNames(client)).toContain("everything_echo");
  });
});
