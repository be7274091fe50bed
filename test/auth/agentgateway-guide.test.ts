import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseService } from "../../src/main/app/service";
import type { RequestEvent } from "../../src/main/gateway/log-event";
import { freePort, startEverythingHttp } from "../relay/harness";

const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/agentgateway/", import.meta.url));
const token = async (name: string) => (await readFile(join(FIXTURES, name), "utf8")).trim();

/**
 * agentgateway's "Secure access to MCP servers" scenario, with its own configs, key and
 * tokens (made by agentgateway's tooling, not by Gatehouse). Only the two ports are changed, to
 * free ones; the jwks path stays relative to the working directory, as agentgateway reads it.
 */
describe.each(["binds-config.yaml", "mcp-shorthand-config.yaml"])(
  "the agentgateway JWT authorization guide (%s)",
  (configName) => {
    let dir: string;
    let service: GatehouseService;
    let upstream: Awaited<ReturnType<typeof startEverythingHttp>>;
    let endpoint: string;
    const events: RequestEvent[] = [];
    const clients: Client[] = [];

    beforeAll(async () => {
      upstream = await startEverythingHttp("streamableHttp");
      const port = await freePort();
      dir = await mkdtemp(join(tmpdir(), "gatehouse-guide-"));
      await mkdir(join(dir, "manifests/jwt"), { recursive: true });
      await copyFile(join(FIXTURES, "pub-key"), join(dir, "manifests/jwt/pub-key"));
      const text = (await readFile(join(FIXTURES, configName), "utf8"))
        .replace("port: 3000", `port: ${port}`)
        .replace("http://localhost:3001/mcp", upstream.url);
      await writeFile(join(dir, "config.yaml"), text);
      service = new GatehouseService({ configPath: join(dir, "config.yaml"), cwd: dir });
      service.bus.subscribe((e) => e.kind === "request" && events.push(e));
      await service.start();
      endpoint = `http://127.0.0.1:${port}/mcp`;
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await service?.stop();
      upstream?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    const connectAs = async (bearer?: string) => {
      const client = new Client({ name: "guide", version: "1" });
      const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : {};
      await client.connect(
        new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers } }),
      );
      clients.push(client);
      return client;
    };
    const guideTools = async (client: Client) =>
      (await client.listTools()).tools
        .map((t) => t.name)
        .filter((n) => ["echo", "get-sum", "get-env"].includes(n));

    it("without a token (mode unset, so optional) the caller sees echo only", async () => {
      expect(await guideTools(await connectAs())).toEqual(["echo"]);
    });

    it("example2.key (test-user, no nested claim) sees echo and get-sum", async () => {
      expect((await guideTools(await connectAs(await token("example2.key")))).sort()).toEqual([
        "echo",
        "get-sum",
      ]);
    });

    it("example1.key (test-user, nested.key = value) sees all three", async () => {
      expect((await guideTools(await connectAs(await token("example1.key")))).sort()).toEqual([
        "echo",
        "get-env",
        "get-sum",
      ]);
    });

    it("a hidden tool is an unknown tool, and the log says who was refused and why", async () => {
      const client = await connectAs(await token("example2.key"));
      await expect(client.callTool({ name: "get-env", arguments: {} })).rejects.toThrow(
        /Unknown tool: get-env/,
      );
      const refused = events.find((e) => e.method === "tools/call" && e.name === "get-env");
      expect(refused).toMatchObject({
        subject: "test-user",
        issuer: "agentgateway.dev",
        error: "Unknown tool: get-env",
      });
      expect(refused?.reason).toMatch(/no allow rule matched/);

      const sum = await client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } });
      expect(JSON.stringify(sum)).toContain("3");
      const allowed = events.find((e) => e.method === "tools/call" && e.name === "get-sum");
      expect(allowed?.reason).toMatch(/allowed by rule 2/);
    });

    it("a token that fails verification is refused with 401 and the reason", async () => {
      const forged = (await token("example1.key")).replace(/\.[^.]+$/, ".AAAA");
      const answer = await fetch(endpoint, {
        method: "POST",
        headers: { Authorization: `Bearer ${forged}`, "Content-Type": "application/json" },
        body: "{}",
      });
      expect(answer.status).toBe(401);
      expect(await answer.text()).toMatch(/^authentication failure: /);
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
      expect(JSON.stringify(events)).not.toContain(forged);
    });
  },
);
