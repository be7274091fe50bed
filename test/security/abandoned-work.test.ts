import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fixture,
  isRunning,
  route,
  startGateway,
  stdioTarget,
  waitFor,
  type TestGateway,
} from "../relay/harness";
import { callTool, openSession, type Message } from "./secure-gateway";

// Issue 8, case 6: work a client abandons is freed. Its pending calls are cancelled at the
// target and its session expires like any idle one; an initialize nobody waits for any more
// stops its target at once; and a gateway stopped right after a DELETE leaves no process behind.

let gw: TestGateway | undefined;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-abandoned-"));
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  // A failed test must not leave its processes running for the next one.
  for (const name of ["target.pid", "grandchild.pid"]) {
    const pid = readPid(name);
    if (pid !== undefined && isRunning(pid)) process.kill(pid, "SIGKILL");
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The recording server, telling the test its pid, what it received, and `env`. */
function recordingTarget(env: Record<string, string> = {}) {
  const target = stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]);
  target.env = {
    RECORD_FILE: join(dir, "received.jsonl"),
    PID_FILE: join(dir, "target.pid"),
    ...env,
  };
  return target;
}

const initialize: Message = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "impatient", version: "1" },
  },
};

/** A POST the test can give up on, as a client that goes away does. */
function post(url: string, message: Message, signal: AbortSignal, session?: string) {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...(session && { "Mcp-Session-Id": session }),
    },
    body: JSON.stringify(message),
    signal,
  });
}

function readPid(name: string): number | undefined {
  const file = join(dir, name);
  return existsSync(file) ? Number(readFileSync(file, "utf8")) : undefined;
}

async function pidOf(name: string): Promise<number> {
  await waitFor(`${name} to be written`, () => readPid(name) !== undefined);
  return readPid(name) as number;
}

function received(): Message[] {
  const file = join(dir, "received.jsonl");
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Message);
}

/**
 * Whether a process runs. A killed grandchild goes to PID 1, and where PID 1 does not reap
 * (many containers) it stays a zombie: still signalable, yet no longer running.
 */
function alive(pid: number): boolean {
  if (!isRunning(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

describe("abandoned work is freed", () => {
  it("a client that goes away from a hung call cancels it at the target; the session expires", async () => {
    gw = await startGateway([route({ targets: [recordingTarget()] })], 1_000);
    const session = await openSession(gw.url);
    const pid = await pidOf("target.pid");

    const client = new AbortController();
    const hung = post(gw.url, callTool(2, "hang"), client.signal, session);
    const call = () => received().find((m) => m.method === "tools/call");
    await waitFor("the target to receive the hung call", () => call() !== undefined);
    client.abort();
    await expect(hung).rejects.toThrow();

    const upstreamId = call()?.id;
    const cancelled = () =>
      received().find(
        (m) =>
          m.method === "notifications/cancelled" &&
          (m.params as { requestId?: unknown }).requestId === upstreamId,
      );
    await waitFor("the target to be told the call was cancelled", () => cancelled() !== undefined);
    expect((cancelled()?.params as { reason?: string }).reason).toMatch(/client went away/);

    await waitFor("the idle session to be reaped", () => gw?.gateway.sessions.size === 0);
    await waitFor("the target to end with its session", () => !alive(pid));
  });

  it("an initialize the client gave up on stops its half-started target at once", async () => {
    // The harness gives initialize 15 s; the target would answer only after a minute.
    gw = await startGateway([route({ targets: [recordingTarget({ INIT_DELAY_MS: "60000" })] })]);
    const client = new AbortController();
    const waiting = post(gw.url, initialize, client.signal);
    const pid = await pidOf("target.pid");
    await waitFor("the target to receive initialize", () =>
      received().some((m) => m.method === "initialize"),
    );
    client.abort();
    await expect(waiting).rejects.toThrow();

    await waitFor("the target to be stopped", () => !alive(pid), 8_000);
    expect(gw.gateway.sessions.size).toBe(0);
  });

  it("a gateway stopped right after a DELETE waits for that session's target and its children", async () => {
    const stubborn = recordingTarget({
      IGNORE_SIGTERM: "1",
      GRANDCHILD_PID_FILE: join(dir, "grandchild.pid"),
    });
    gw = await startGateway([route({ targets: [stubborn] })]);
    const session = await openSession(gw.url);
    const pid = await pidOf("target.pid");
    const grandchild = await pidOf("grandchild.pid");

    const deleted = await fetch(gw.url, {
      method: "DELETE",
      headers: { "Mcp-Session-Id": session },
    });
    expect(deleted.status).toBe(202);
    await gw.close();
    gw = undefined;

    expect(alive(pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });
});
