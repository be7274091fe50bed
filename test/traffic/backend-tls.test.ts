import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import { connect, route, startGateway, textOf, type TestGateway } from "../relay/harness";
import { startRecordingTarget, type RecordingTarget } from "./recording-target";
import { TestCa } from "./test-ca";

/**
 * backendTLS in front of real HTTPS MCP targets whose certificates a test CA signed: one that
 * names localhost, one that names only mcp.test, one that wants a client certificate, and one
 * signed by another CA.
 */
describe("backendTLS", () => {
  const ca = new TestCa("Gatehouse test CA");
  const otherCa = new TestCa("Another CA");
  const client = ca.issue("gatehouse-client");
  let local: RecordingTarget;
  let named: RecordingTarget;
  let mutual: RecordingTarget;
  let foreign: RecordingTarget;
  let gw: TestGateway;
  const at = (name: string) => gw.url.replace("/mcp", `/${name}/mcp`);

  beforeAll(async () => {
    const localhost = ca.issue("localhost", ["localhost", "127.0.0.1"]);
    const mcpTest = ca.issue("mcp.test", ["mcp.test"]);
    const foreignCert = otherCa.issue("localhost", ["localhost", "127.0.0.1"]);
    [local, named, mutual, foreign] = await Promise.all([
      startRecordingTarget({ cert: localhost.cert, key: localhost.key }),
      startRecordingTarget({ cert: mcpTest.cert, key: mcpTest.key }),
      startRecordingTarget({
        cert: localhost.cert,
        key: localhost.key,
        ca: ca.root.cert,
        requestCert: true,
        rejectUnauthorized: true,
      }),
      startRecordingTarget({ cert: foreignCert.cert, key: foreignCert.key }),
    ]);
    const root = ca.root.certFile;
    const on = (name: string, url: string, policies: RoutePolicies, own?: RoutePolicies) => {
      const target: TargetSpec = { kind: "mcp", name: "tls", url };
      if (own) target.policies = { attachment: "target", path: ["t", name], policies: own };
      return route(
        { targets: [target] },
        {
          name,
          paths: [{ kind: "prefix", value: `/${name}` }],
          policiesPath: ["test", name, "policies"],
          policies,
        },
      ) satisfies RouteSpec;
    };
    const localhostUrl = `https://localhost:${local.port}/mcp`;
    const namedByIp = `https://127.0.0.1:${named.port}/mcp`;
    gw = await startGateway([
      on("trusted", localhostUrl, { backendTLS: { root } }),
      on("system-roots", localhostUrl, {}),
      on("other-root", localhostUrl, { backendTLS: { root: otherCa.root.certFile } }),
      on("foreign", `https://localhost:${foreign.port}/mcp`, { backendTLS: { root } }),
      on("insecure", `https://localhost:${foreign.port}/mcp`, { backendTLS: { insecure: true } }),
      on("upgraded", `http://localhost:${local.port}/mcp`, { backendTLS: { root } }),
      on("hostname", namedByIp, { backendTLS: { root, hostname: "mcp.test" } }),
      on("wrong-name", namedByIp, { backendTLS: { root } }),
      on("insecure-host", namedByIp, { backendTLS: { root, insecureHost: true } }),
      on("alt-names", namedByIp, { backendTLS: { root, subjectAltNames: ["x.test", "mcp.test"] } }),
      on("alt-names-miss", namedByIp, { backendTLS: { root, subjectAltNames: ["x.test"] } }),
      on("mutual", `https://localhost:${mutual.port}/mcp`, {
        backendTLS: { root, cert: client.certFile, key: client.keyFile },
      }),
      on("mutual-no-cert", `https://localhost:${mutual.port}/mcp`, { backendTLS: { root } }),
      on("per-target", localhostUrl, {}, { backendTLS: { root } }),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all([local, named, mutual, foreign].map((target) => target?.close()));
    ca.remove();
    otherCa.remove();
  });

  async function echoThrough(name: string): Promise<string> {
    const session = await connect(at(name));
    try {
      return textOf(await session.callTool({ name: "echo", arguments: { text: name } }));
    } finally {
      await session.close();
    }
  }

  async function refusal(name: string): Promise<string> {
    const error = (await connect(at(name)).then(
      async (session) => {
        await session.close();
        throw new Error(`route ${name} connected`);
      },
      (e: unknown) => e,
    )) as Error;
    return error.message;
  }

  it("trusts the configured CA, and only it", async () => {
    expect(await echoThrough("trusted")).toBe("trusted");
    expect(await refusal("system-roots")).toMatch(
      /target "tls" is unreachable at .*(CERT|ISSUER|VERIFY)/,
    );
    expect(await refusal("other-root")).toMatch(
      /target "tls" is unreachable at .*(CERT|ISSUER|VERIFY)/,
    );
    expect(await refusal("foreign")).toMatch(
      /target "tls" is unreachable at .*(CERT|ISSUER|VERIFY)/,
    );
  });

  it("insecure skips every check of the target's certificate", async () => {
    expect(await echoThrough("insecure")).toBe("insecure");
  });

  it("a target written with http (or host:port) is reached over TLS", async () => {
    expect(await echoThrough("upgraded")).toBe("upgraded");
    expect(local.received.length).toBeGreaterThan(0);
  });

  it("hostname is the name sent and checked; insecureHost checks the chain but not the name", async () => {
    expect(await echoThrough("hostname")).toBe("hostname");
    expect(await refusal("wrong-name")).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(await echoThrough("insecure-host")).toBe("insecure-host");
  });

  it("subjectAltNames: the certificate must name one of them", async () => {
    expect(await echoThrough("alt-names")).toBe("alt-names");
    expect(await refusal("alt-names-miss")).toContain(
      "the target's certificate names none of backendTLS.subjectAltNames (x.test)",
    );
  });

  it("cert and key: the target that asks for a client certificate gets the configured one", async () => {
    expect(await echoThrough("mutual")).toBe("mutual");
    expect(mutual.received.map((r) => r.clientCertificate)).toContain("gatehouse-client");
    // TLS 1.3 lets the server refuse after the handshake: the connection just ends.
    expect(await refusal("mutual-no-cert")).toMatch(/target "tls" is unreachable at https:/);
    expect(mutual.received.every((r) => r.clientCertificate === "gatehouse-client")).toBe(true);
  });

  it("written on the target, it applies to that target's connection", async () => {
    expect(await echoThrough("per-target")).toBe("per-target");
  });
});
