import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withCompiledConfig } from "../../src/main/app/service";
import { parseConfig } from "../../src/main/config/load";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import { EVERYTHING, freePort, INITIALIZE_REQUEST, MCP_POST_HEADERS } from "../relay/harness";

/**
 * Gateways as agentgateway's config writes them, served for real: HTTPS with certificates made
 * here by the openssl CLI, mutual TLS, listeners picked by host name, and the config problems a
 * certificate file can cause. Clients are node:https with this test's CA, as an MCP client
 * configured with a private CA would connect.
 */
let dir: string;
let gateway: Gateway | undefined;

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** A key and a certificate for `name`, signed by the CA `ca` (files `<name>.pem`, `-key.pem`). */
function issue(name: string, ca: string, san: string) {
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}-key.pem`);
  openssl("req", "-new", "-key", `${name}-key.pem`, "-subj", `/CN=${name}`, "-out", `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  execFileSync("sh", ["-c", `printf 'subjectAltName=${san}\\n' > '${extensions}'`]);
  openssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.pem`,
    "-CAkey",
    `${ca}-key.pem`,
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    extensions,
    "-out",
    `${name}.pem`,
  );
}

function authority(name: string) {
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}-key.pem`);
  openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    `${name}-key.pem`,
    "-subj",
    `/CN=${name}`,
    "-days",
    "2",
    "-out",
    `${name}.pem`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-https-"));
  authority("server-ca");
  authority("client-ca");
  issue("localhost", "server-ca", "DNS:localhost,IP:127.0.0.1");
  issue("renewed", "server-ca", "DNS:localhost,IP:127.0.0.1");
  issue("a.localhost", "server-ca", "DNS:a.localhost");
  issue("client", "client-ca", "DNS:client");
}, 30_000);

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = (name: string) => readFileSync(join(dir, name));

/** Loads a config as `gatehouse -f` would, from the test's directory, and serves it. */
async function serve(yaml: string): Promise<Gateway> {
  const loaded = parseConfig(yaml, "config.yaml", {});
  gateway = new Gateway({ bus: new LogBus(), version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply(loaded.gateway, { cwd: dir });
  return gateway;
}

const MCP = `  targets:
    - name: everything
      stdio:
        cmd: ${JSON.stringify(process.execPath)}
        args: [${JSON.stringify(EVERYTHING)}, stdio]`;

interface Answer {
  status: number;
  body: string;
  /** The CN of the certificate the gateway presented. */
  servedBy?: string;
}

/**
 * An MCP initialize over HTTP(S), on a connection of its own. The answer is read up to the
 * initialize result: sent as SSE, its stream stays open after it.
 */
function initialize(url: string, options: RequestOptions = {}): Promise<Answer> {
  const send = url.startsWith("https:") ? httpsRequest : httpRequest;
  const headers = { ...MCP_POST_HEADERS, ...(options.headers as object) };
  return new Promise((resolve, reject) => {
    const req = send(
      `${url}/mcp`,
      { method: "POST", agent: false, timeout: 20_000, ...options, headers },
      (res) => {
        const servedBy = String((res.socket as TLSSocket).getPeerCertificate?.().subject?.CN);
        let body = "";
        const done = () => resolve({ status: res.statusCode ?? 0, body, servedBy });
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.includes('"serverInfo"')) {
            done();
            req.destroy();
          }
        });
        res.on("end", done);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(JSON.stringify(INITIALIZE_REQUEST));
  });
}

describe("gateways served over HTTPS", () => {
  it("serves MCP with the certificate and key its files hold, and only over TLS", async () => {
    const port = await freePort();
    const served = await serve(`gateways:
  secure:
    port: ${port}
    tls:
      cert: localhost.pem
      key: localhost-key.pem
mcp:
  gateways: secure
${MCP}
`);
    expect(served.urls).toEqual([`https://127.0.0.1:${port}`]);
    const answer = await initialize(`https://127.0.0.1:${port}`, { ca: pem("server-ca.pem") });
    expect(answer).toMatchObject({ status: 200, servedBy: "localhost" });
    expect(answer.body).toContain('"serverInfo"');
    await expect(initialize(`http://127.0.0.1:${port}`)).rejects.toThrow();
  }, 30_000);

  it("asks for a client certificate from `root`, and turns away clients without one", async () => {
    const port = await freePort();
    await serve(`gateways:
  partners:
    port: ${port}
    tls:
      cert: localhost.pem
      key: localhost-key.pem
      root: client-ca.pem
mcp:
  gateways: partners
${MCP}
`);
    const url = `https://127.0.0.1:${port}`;
    const ca = pem("server-ca.pem");
    await expect(initialize(url, { ca })).rejects.toThrow();
    // A certificate from another CA is no better than none.
    await expect(
      initialize(url, { ca, cert: pem("localhost.pem"), key: pem("localhost-key.pem") }),
    ).rejects.toThrow();
    const answer = await initialize(url, {
      ca,
      cert: pem("client.pem"),
      key: pem("client-key.pem"),
    });
    expect(answer.status).toBe(200);
  }, 30_000);

  it("picks the listener by the name the client asks for (SNI): its certificate and its policies", async () => {
    const port = await freePort();
    await serve(`gateways:
  web:
    port: ${port}
    listeners:
      - name: a
        hostname: a.localhost
        tls: {cert: a.localhost.pem, key: a.localhost-key.pem}
        authorization:
          rules: ["false"]
      - name: any
        tls: {cert: localhost.pem, key: localhost-key.pem}
mcp:
  gateways: web
${MCP}
`);
    const url = `https://127.0.0.1:${port}`;
    const ca = pem("server-ca.pem");
    const asA = await initialize(url, {
      ca,
      servername: "a.localhost",
      headers: { Host: `a.localhost:${port}` },
    });
    expect(asA).toMatchObject({
      status: 403,
      body: "authorization failed",
      servedBy: "a.localhost",
    });
    const asAny = await initialize(url, { ca, servername: "localhost" });
    expect(asAny).toMatchObject({ status: 200, servedBy: "localhost" });
  }, 30_000);

  it("serves a renewed certificate after a reload, on the same port", async () => {
    const port = await freePort();
    const config = (cert: string) => `gateways:
  secure:
    port: ${port}
    tls: {cert: ${cert}.pem, key: ${cert}-key.pem}
mcp:
  gateways: secure
${MCP}
`;
    const served = await serve(config("localhost"));
    const url = `https://127.0.0.1:${port}`;
    const ca = pem("server-ca.pem");
    expect((await initialize(url, { ca })).servedBy).toBe("localhost");
    await served.apply(parseConfig(config("renewed"), "config.yaml", {}).gateway, { cwd: dir });
    expect((await initialize(url, { ca })).servedBy).toBe("renewed");
  }, 30_000);
});

describe("listeners that share a port by host name, over HTTP", () => {
  it("sends each request to the listener of its Host, and a host no listener serves gets 404", async () => {
    const port = await freePort();
    await serve(`gateways:
  web:
    port: ${port}
    listeners:
      - name: closed
        hostname: closed.localhost
        authorization:
          rules: ["false"]
      - name: open
        hostname: "*.localhost"
mcp:
  gateways: web
${MCP}
`);
    const url = `http://127.0.0.1:${port}`;
    const as = (host: string) => initialize(url, { headers: { Host: `${host}:${port}` } });
    expect(await as("closed.localhost")).toMatchObject({ status: 403 });
    expect(await as("tools.localhost")).toMatchObject({ status: 200 });
    expect(await as("localhost")).toMatchObject({
      status: 404,
      body: "no listener serves this host name",
    });
  }, 30_000);
});

describe("certificate files are part of the config", () => {
  it("reports a file that cannot be read, or a key that is not the certificate's, at its key", async () => {
    const yaml = `gateways:
  one:
    port: 8443
    tls:
      cert: missing.pem
      key: localhost-key.pem
  two:
    port: 8444
    tls:
      cert: localhost.pem
      key: client-key.pem
mcp:
  gateways: [one, two]
  targets: []
`;
    const loaded = parseConfig(yaml, "config.yaml", {});
    await expect(withCompiledConfig(loaded, { cwd: dir }, async () => undefined)).rejects.toThrow(
      [
        'config.yaml:5:13: gateways.one.tls.cert: the certificate file "missing.pem" cannot be read (ENOENT)',
        'config.yaml:11:12: gateways.two.tls.key: the key in "client-key.pem" is not the key of the certificate',
      ].join("\n"),
    );
  });
});
