import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importSPKI, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec, TargetSpec } from "../../src/main/config/model";
import type { RoutePolicies } from "../../src/main/config/schema";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { connect, route, startGateway, textOf, type TestGateway } from "../relay/harness";
import { startRecordingTarget, type Received, type RecordingTarget } from "./recording-target";

/**
 * backendAuth in front of a real HTTP MCP target that records the headers of every request:
 * what reaches it is the configured credential, in the configured place, and never the token
 * the client presented to the gateway.
 */
describe("backendAuth", () => {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-backend-auth-"));
  const signing = generateKeyPairSync("ec", { namedCurve: "P-256" });
  let issuer: TestIssuer;
  let target: RecordingTarget;
  let gw: TestGateway;

  beforeAll(async () => {
    issuer = await testIssuer();
    target = await startRecordingTarget();
    writeFileSync(join(dir, "api-key"), "from-a-file\n");
    // SEC1 ("EC PRIVATE KEY"), one of the forms agentgateway reads.
    const keyFile = join(dir, "signing.pem");
    writeFileSync(keyFile, signing.privateKey.export({ format: "pem", type: "sec1" }));
    const strict: RoutePolicies = {
      jwtAuth: { mode: "strict", issuer: issuer.issuer, jwks: JSON.stringify(issuer.jwks) },
    };
    const on = (name: string, policies: RoutePolicies, own?: RoutePolicies): RouteSpec => {
      const recorded: TargetSpec = { kind: "mcp", name: "rec", url: `${target.url}?route=${name}` };
      if (own) recorded.policies = { attachment: "target", path: ["t", name], policies: own };
      return route(
        { targets: [recorded] },
        {
          name,
          paths: [{ kind: "prefix", value: `/${name}` }],
          policiesPath: ["test", name, "policies"],
          policies,
        },
      );
    };
    gw = await startGateway([
      on("key", { ...strict, backendAuth: { key: "s3cret" } }),
      on("key-file", { backendAuth: { key: { file: join(dir, "api-key") } } }),
      on("header", {
        backendAuth: { key: { value: "k1", location: { header: { name: "x-api-key" } } } },
      }),
      on("query", {
        backendAuth: { key: { value: "k2", location: { queryParameter: { name: "api_key" } } } },
      }),
      on("cookie", {
        backendAuth: {
          key: { value: { file: join(dir, "api-key") }, location: { cookie: { name: "sid" } } },
        },
      }),
      on("passthrough", {
        ...strict,
        backendAuth: { passthrough: { location: { header: { name: "x-caller-token" } } } },
      }),
      on("jwt-sign", {
        backendAuth: {
          jwtSign: {
            signingKey: { file: keyFile },
            alg: "ES256",
            kid: "gatehouse-1",
            claims: { iss: "gatehouse", sub: "svc-account", aud: ["mcp"] },
            ttl: "60s",
          },
        },
      }),
      on("credentials", {
        backendAuth: {
          key: "main",
          credentials: [
            { location: { header: { name: "x-extra", prefix: "Key " } }, key: "extra" },
          ],
        },
      }),
      on(
        "per-target",
        { backendAuth: { key: "route-key" } },
        { backendAuth: { key: "target-key" } },
      ),
    ]);
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects, calls echo, and returns every request the target got on this route. */
  async function through(name: string, headers: Record<string, string> = {}): Promise<Received[]> {
    const client = await connect(gw.url.replace("/mcp", `/${name}/mcp`), { headers });
    try {
      const echo = await client.callTool({ name: "echo", arguments: { text: name } });
      expect(textOf(echo)).toBe(name);
    } finally {
      await client.close();
    }
    return target.received.filter((r) => r.url.includes(`route=${name}`));
  }

  it("key: every request to the target carries the key as a bearer token, and never the client's", async () => {
    const token = await issuer.sign({ sub: "alice" });
    const received = await through("key", { Authorization: `Bearer ${token}` });
    expect(received.length).toBeGreaterThan(2);
    for (const request of received) {
      expect(request.headers.authorization).toBe("Bearer s3cret");
      expect(JSON.stringify(request.headers)).not.toContain(token);
    }
  });

  it("key: {file}: the key is read from the file, without its final newline", async () => {
    const received = await through("key-file");
    expect(received.map((r) => r.headers.authorization)).toContain("Bearer from-a-file");
  });

  it("location: a header of its own, a query parameter or a cookie", async () => {
    const header = await through("header");
    expect(header.every((r) => r.headers["x-api-key"] === "k1")).toBe(true);
    expect(header.every((r) => r.headers.authorization === undefined)).toBe(true);
    const query = await through("query");
    expect(
      query.every((r) => new URL(r.url, "http://x").searchParams.get("api_key") === "k2"),
    ).toBe(true);
    const cookie = await through("cookie");
    expect(cookie.every((r) => r.headers.cookie === "sid=from-a-file")).toBe(true);
  });

  it("passthrough with a location: the caller's validated token, where the location says", async () => {
    const token = await issuer.sign({ sub: "bob" });
    const received = await through("passthrough", { Authorization: `Bearer ${token}` });
    expect(received.every((r) => r.headers["x-caller-token"] === token)).toBe(true);
    expect(received.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("jwtSign: a JWT signed with the configured key, with its claims, kid and lifetime", async () => {
    const received = await through("jwt-sign");
    const tokens = received.map((r) => r.headers.authorization?.replace(/^Bearer /, ""));
    const key = await importSPKI(
      signing.publicKey.export({ format: "pem", type: "spki" }) as string,
      "ES256",
    );
    const { payload, protectedHeader } = await jwtVerify(tokens[0] as string, key, {
      issuer: "gatehouse",
      audience: "mcp",
    });
    expect(protectedHeader).toEqual({ alg: "ES256", typ: "JWT", kid: "gatehouse-1" });
    expect(payload.sub).toBe("svc-account");
    expect((payload.exp as number) - (payload.iat as number)).toBe(70);
  });

  it("credentials: further fixed values beside the key", async () => {
    const received = await through("credentials");
    expect(received.every((r) => r.headers.authorization === "Bearer main")).toBe(true);
    expect(received.every((r) => r.headers["x-extra"] === "Key extra")).toBe(true);
  });

  it("written on a target, it replaces the route's for that target", async () => {
    const received = await through("per-target");
    expect(received.every((r) => r.headers.authorization === "Bearer target-key")).toBe(true);
  });
});
