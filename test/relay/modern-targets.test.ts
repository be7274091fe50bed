import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TargetSpec } from "../../src/main/config/model";
import {
  connect,
  everythingStdio,
  fixture,
  route,
  startGateway,
  stdioTarget,
  textOf,
  waitFor,
  type TestGateway,
} from "./harness";

// 2026-07-28 targets (the SDK v2 server, modern only) behind the gateway, reached by 2025
// clients (the SDK v1 client): the gateway finds each target's era, speaks it, and turns the
// target's input_required answers into the elicitations a 2025 client knows.

const MODERN = fixture("modern-server.mjs");
const modernStdio = (name: string) => stdioTarget(name, process.execPath, [MODERN]);

/** The modern fixture as a Streamable HTTP server, on a free loopback port. */
async function startModernHttp(): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = spawn(process.execPath, [MODERN, "http"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await waitFor("the modern HTTP server to listen", () => stderr.includes("listening on "));
  const url = /listening on (\S+)/.exec(stderr)?.[1] as string;
  return { url, stop: () => void child.kill() };
}

/** A 2025 client that answers every elicitation with the next of `names`. */
async function signingClient(url: string, names: string[]): Promise<Client> {
  const client = await connect(url, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, () => {
    const name = names.shift();
    if (name === undefined) throw new Error("no more names");
    return { action: "accept", content: { name } };
  });
  return client;
}

let http: Awaited<ReturnType<typeof startModernHttp>>;
let gw: TestGateway | undefined;
let client: Client | undefined;

beforeAll(async () => {
  http = await startModernHttp();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await gw?.close();
  gw = undefined;
});
afterAll(() => http?.stop());

const transports: [string, () => TargetSpec][] = [
  ["stdio", () => modernStdio("modern")],
  ["Streamable HTTP", () => ({ kind: "mcp", name: "modern", url: http.url })],
];

describe.each(transports)("a 2026-07-28 target over %s", (_transport, target) => {
  it("lists and calls its tools, prompts and resources for a 2025 client", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await connect(gw.url);
    expect(client.getServerVersion()).toEqual({ name: "modern", version: "2.0.0" });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["echo", "whoami", "sign"]),
    );
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "hi" } }))).toBe("hi");
    const prompt = await client.getPrompt({ name: "greeting", arguments: { who: "Ada" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Hello, Ada!" });
    const { contents } = await client.readResource({ uri: "modern://motd" });
    expect(contents).toEqual([{ uri: "modern://motd", text: "modern times" }]);
  });

  it("sends every request with the client's _meta envelope and its log level", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await connect(gw.url, { capabilities: { roots: {} } });
    await client.ping(); // answered by the gateway: 2026-07-28 has no ping
    await client.setLoggingLevel("warning");
    const envelope = JSON.parse(textOf(await client.callTool({ name: "whoami" })));
    expect(envelope).toEqual({
      "io.modelcontextprotocol/protocolVersion": "2026-07-28",
      "io.modelcontextprotocol/clientCapabilities": { roots: {} },
      "io.modelcontextprotocol/clientInfo": { name: "gatehouse-test", version: "1.0.0" },
      "io.modelcontextprotocol/logLevel": "warning",
    });
  });

  it("asks a 2025 client the target's questions and completes the call", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await signingClient(gw.url, ["Ada", "Grace", "Edsger"]);
    const once = await client.callTool({ name: "sign", arguments: {} });
    expect(textOf(once)).toBe("signed by Ada");
    const twice = await client.callTool({ name: "sign", arguments: { rounds: 2 } });
    expect(textOf(twice)).toBe("signed by Grace, Edsger");
  });

  it("fails the call, saying why, when the client refuses a question", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await signingClient(gw.url, []);
    await expect(client.callTool({ name: "sign", arguments: {} })).rejects.toThrow(
      /the client refused what target "modern" asked: .*no more names/,
    );
  });

  it("passes on the target's list changes, which it announces only on a subscription", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await connect(gw.url);
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
    const name = `learned_${process.hrtime.bigint()}`;
    await client.callTool({ name: "learn", arguments: { name } });
    await waitFor("the tools/list_changed notification", () => changes > 0);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain(name);
  });

  it("refuses an answer larger than the gateway takes, failing only that call", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    client = await connect(gw.url);
    const huge = client.callTool({ name: "big", arguments: { bytes: 17 * 1024 * 1024 } });
    await expect(huge).rejects.toThrow(
      /target "modern" answered with a message larger than 16 MiB/,
    );
    const small = await client.callTool({ name: "big", arguments: { bytes: 3 } });
    expect(textOf(small)).toBe("xxx");
  });

  it("cancels a request at the target when the client cancels it", async () => {
    gw = await startGateway([route({ targets: [target()] })]);
    const caller = (client = await connect(gw.url));
    const cancellations = async () =>
      Number(textOf(await caller.callTool({ name: "cancellations" })));
    const before = await cancellations();
    const abort = new AbortController();
    let arrived: () => void = () => undefined;
    const working = new Promise<void>((resolve) => (arrived = resolve));
    const waiting = caller.callTool({ name: "wait" }, undefined, {
      signal: abort.signal,
      onprogress: () => arrived(),
    });
    await working;
    abort.abort("enough");
    await expect(waiting).rejects.toThrow(/enough/);
    await until("the target to see the cancellation", async () => (await cancellations()) > before);
  });
});

/** Polls an asynchronous condition until it holds; fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("2026-07-28 and 2025 targets behind one route", () => {
  it("serve one 2025 client side by side, each in its own era", async () => {
    const targets: TargetSpec[] = [
      modernStdio("local"),
      { kind: "mcp", name: "remote", url: http.url },
      everythingStdio("legacy"),
    ];
    gw = await startGateway([route({ targets })]);
    const caller = (client = await signingClient(gw.url, ["Ada", "Grace"]));
    const names = (await caller.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(["local_echo", "remote_echo", "legacy_echo", "legacy_get-sum"]),
    );
    const echo = (name: string) => caller.callTool({ name, arguments: { text: name } });
    expect(textOf(await echo("local_echo"))).toBe("local_echo");
    expect(textOf(await echo("remote_echo"))).toBe("remote_echo");
    const legacy = await caller.callTool({ name: "legacy_echo", arguments: { message: "old" } });
    expect(textOf(legacy)).toContain("old");
    const signed = await Promise.all([
      caller.callTool({ name: "local_sign", arguments: {} }),
      caller.callTool({ name: "remote_sign", arguments: {} }),
    ]);
    expect(signed.map(textOf).sort()).toEqual(["signed by Ada", "signed by Grace"].sort());
  });
});

describe("2025 stdio servers that do not answer the era probe", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-probe-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What the recording server received, one method per message, over all its processes. */
  const received = (file: string) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { method?: string }).method);

  it.each(["silent", "exit"])(
    "are started afresh and initialized when they are %s, then known",
    async (behaviour) => {
      const record = join(dir, `${behaviour}.jsonl`);
      const target = stdioTarget(behaviour, process.execPath, [fixture("recording-server.mjs")]);
      target.env = { RECORD_FILE: record, BEFORE_INITIALIZE: behaviour };
      gw = await startGateway([route({ targets: [target] })]);
      for (let session = 0; session < 2; session++) {
        client = await connect(gw.url);
        expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("echo");
        await client.close();
        client = undefined;
      }
      // One probe, then a fresh process that met initialize first; the next session knew.
      const methods = received(record).filter((method) => method !== "notifications/initialized");
      expect(methods).toEqual([
        "server/discover",
        "initialize",
        "tools/list",
        "initialize",
        "tools/list",
      ]);
    },
  );
});
