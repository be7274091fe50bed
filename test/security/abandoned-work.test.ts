import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fixture,
  INITIALIZE_REQUEST,
  isRunning,
  route,
  startGateway,
  stdioTarget,
  waitFor,
  type TestGateway,
} from "../relay/harness";
import { callTool, openSession, postMessage, readRecord } from "./secure-gateway";

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

function readPid(name: string): number | undefined {
  const file = join(dir, name);
  return existsSync(file) ? Number(readFileSync(file, "utf8")) : undefined;
}

async function pidOf(name: string): Promise<number> {
  await waitFor(`${name} to be written`, () => readPid(name) !== undefined);
  return readPid(name) as number;
}

const received = () => readRecord(join(dir, "received.jsonl"));

describe("abandoned work is freed", () => {
  it("a client that goes away from a hung call cancels it at the target; the session expires", async () => {
    gw = await startGateway([route({ targets: [recordingTarget()] })], 1_000);
    const session = await openSession(gw.url);
    const pid = await pidOf("target.pid");

    const client = new AbortController();
    const hung = postMessage(gw.url, session, undefined, callTool(2, "hang"), {
      signal: client.signal,
    });
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
    await waitFor("the target to end with its session", () => !isRunning(pid));
  });

  it("an initialize the client gave up on stops its half-started target at once", async () => {
    // The harness gives initialize 15 s; the target would answer only after a minute.
    gw = await startGateway([route({ targets: [recordingTarget({ INIT_DELAY_MS: "60000" })] })]);
    const client = new AbortController();
    const waiting = postMessage(gw.url, undefined, undefined, INITIALIZE_REQUEST, {
      signal: client.signal,
    });
    const pid = await pidOf("target.pid");
    await waitFor("the target to receive initialize", () =>
      received().some((m) => m.method === "initialize"),
    );
    client.abort();
    await expect(waiting).rejects.toThrow();

    await waitFor("the target to be stopped", () => !isRunning(pid), 8_000);
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

    expect(isRunning(pid)).toBe(false);
    expect(isRunning(grandchild)).toBe(false);
  });
});
