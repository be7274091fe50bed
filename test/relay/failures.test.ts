import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  connect,
  everythingStdio,
  fixture,
  freePort,
  isRunning,
  postInitialize,
  route,
  startGateway,
  stdioTarget,
  textOf,
  waitFor,
  type TestGateway,
} from "./harness";

const crashing = (name = "crashy") =>
  stdioTarget(name, process.execPath, [fixture("crashing-server.mjs")]);

describe("when a target fails, the user learns which and why, and nothing else breaks", () => {
  let gw: TestGateway | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await gw?.close();
  });
  const open = async (url: string) => {
    const client = await connect(url);
    clients.push(client);
    return client;
  };

  it("a target that crashes mid-call fails that call with its stderr; other sessions go on", async () => {
    gw = await startGateway([route({ targets: [crashing()] })]);
    const victim = await open(gw.url);
    const bystander = await open(gw.url);

    const error = await victim.callTool({ name: "crash" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/target "crashy" .* exited unexpectedly/);
    expect(String(error)).toContain("boom: the crashing server crashed on purpose");
    await expect(victim.callTool({ name: "echo" })).rejects.toThrow(/exited unexpectedly/);

    expect(textOf(await bystander.callTool({ name: "echo" }))).toBe("still here");
    expect(
      gw.events.some((e) => e.kind === "notice" && e.level === "error" && e.target === "crashy"),
    ).toBe(true);
  });

  it("a command that does not exist is named in the initialize error", async () => {
    gw = await startGateway([
      route({ targets: [{ ...crashing("ghost"), cmd: "gatehouse-no-such-command" }] }),
    ]);
    await expect(open(gw.url)).rejects.toThrow(
      /target "ghost" failed to start: command "gatehouse-no-such-command" was not found/,
    );
  });

  it("a process that exits at start is reported with its stderr", async () => {
    const dies = {
      ...crashing("dies"),
      args: ["-e", "console.error('missing API key'); process.exit(2)"],
    };
    gw = await startGateway([route({ targets: [dies] })]);
    await expect(open(gw.url)).rejects.toThrow(
      /target "dies" .*exited unexpectedly.*missing API key/,
    );
  });

  it("an unreachable HTTP target is named with its URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    gw = await startGateway([route({ targets: [{ kind: "mcp", name: "offline", url }] })]);
    await expect(open(gw.url)).rejects.toThrow(
      new RegExp(`target "offline" is unreachable at ${url}`),
    );
  });

  it("failOpen serves the targets that started; failClosed refuses the session", async () => {
    const targets = [
      everythingStdio("good"),
      { ...crashing("bad"), cmd: "gatehouse-no-such-command" },
    ];
    gw = await startGateway([
      route(
        { targets, failureMode: "failOpen" },
        { name: "open", paths: [{ kind: "prefix", value: "/open" }] },
      ),
      route(
        { targets, failureMode: "failClosed" },
        { name: "closed", paths: [{ kind: "prefix", value: "/closed" }] },
      ),
    ]);
    const base = gw.url.replace(/\/mcp$/, "");
    const client = await open(`${base}/open`);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("good_echo");
    expect(gw.events.some((e) => e.kind === "notice" && /failOpen/.test(e.message))).toBe(true);
    await expect(open(`${base}/closed`)).rejects.toThrow(/target "bad" failed to start/);
  });

  it("ending a session stops its stdio process", async () => {
    gw = await startGateway([route({ targets: [crashing()] })]);
    const client = await open(gw.url);
    const [pid] = gw.gateway.sessions.pids();
    expect(pid && isRunning(pid)).toBe(true);
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await waitFor("the ended session's process to exit", () => !isRunning(pid as number));
    expect(gw.gateway.sessions.size).toBe(0);
  });

  it("a session left idle (no call, no open stream) is closed with its process; its id then answers 404", async () => {
    gw = await startGateway([route({ targets: [crashing()] })], 300);
    const answer = await postInitialize(gw.url);
    const sessionId = answer.headers.get("mcp-session-id") as string;
    expect(answer.status).toBe(200);
    const [pid] = gw.gateway.sessions.pids();
    await waitFor("the idle session's process to exit", () => !isRunning(pid as number), 8000);
    const late = await fetch(gw.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "Mcp-Session-Id": sessionId,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }),
    });
    expect(late.status).toBe(404);
    expect(await late.text()).toContain("expired or was closed");
  });
});
