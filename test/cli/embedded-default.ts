import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { lock } from "proper-lockfile";
import { freePort, start, waitFor, type Running } from "./helpers";

/** The port the embedded default config listens on: one for the whole machine. */
export const DEFAULT_PORT = 3000;

/**
 * Waits until no other test file runs Gatehouse on the embedded default (which always takes
 * port 3000), and holds that turn until the returned release is called. Files run in parallel,
 * so without turns one file's gateway would find the port taken by another's.
 */
export async function takeDefaultPortTurn(): Promise<() => Promise<void>> {
  const dir = join(tmpdir(), "gatehouse-tests");
  mkdirSync(dir, { recursive: true });
  return lock(join(dir, "default-port"), {
    realpath: false,
    stale: 30_000,
    retries: { retries: 1200, minTimeout: 100, maxTimeout: 250 },
  });
}

/** `gatehouse` without -f (so the embedded default, unless the data folder has an init config). */
export async function startEmbeddedDefault(
  env: NodeJS.ProcessEnv,
): Promise<{ gateway: Running; adminUrl: string; adminToken: string; link: string }> {
  const adminPort = await freePort();
  const gateway = start(["--admin-port", String(adminPort)], { env });
  await waitFor(
    "the banner with the admin UI link",
    () => {
      if (gateway.child.exitCode !== null) {
        throw new Error(`gatehouse exited with ${gateway.child.exitCode}:\n${gateway.stderr}`);
      }
      return /Admin UI: \S+/.test(gateway.stderr) && /^Demo: /m.test(gateway.stderr);
    },
    20_000,
  );
  const link = /Admin UI: (\S+)/.exec(gateway.stderr)?.[1] as string;
  const url = new URL(link);
  return {
    gateway,
    link,
    adminUrl: url.origin,
    adminToken: url.searchParams.get("token") as string,
  };
}

/** One call of the UI API, as the web UI makes it (a script signs in with the admin token). */
export async function callUiApi(
  adminUrl: string,
  adminToken: string,
  method: string,
  args: unknown[],
): Promise<unknown> {
  const response = await fetch(`${adminUrl}/api/call`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ method, args }),
  });
  const result = (await response.json()) as { ok: boolean; value?: unknown; error?: string };
  if (!result.ok) throw new Error(`${method} failed: ${result.error}`);
  return result.value;
}

/** An MCP SDK client on the embedded default's endpoint, with a bearer token if given. */
export async function connectAs(token?: string): Promise<Client> {
  const client = new Client({ name: "gatehouse-first-run-test", version: "1.0.0" });
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const url = new URL(`http://127.0.0.1:${DEFAULT_PORT}/mcp`);
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

export async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name).sort();
}
