import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RoutePolicies } from "../../src/main/config/schema";
import type { RequestEvent } from "../../src/main/gateway/log-event";
import { compiledProblemListOf, loadCompiled, problemListOf } from "../config/expect-problems";
import { serveConfig } from "./serve-config";
import {
  connect,
  fixture,
  postInitialize,
  route,
  startGateway,
  stdioTarget,
  textOf,
  type TestGateway,
} from "../relay/harness";
import { rawRequest } from "../raw-http";

/** Hashes made by other tools: agentgateway's docs and tests, and htpasswd-verify's tests. */
const FOREIGN_HASHES = [
  // agentgateway docs: `htpasswd -nb -B user1 agentgateway`
  ["user1", "agentgateway", "$2y$05$LMZ.8WGNqvagmtJz2Gw6VuiE6khXc2zc0FDTHrfWJyLT66HM8BMAa"],
  ["testuser", "test123", "$2y$05$rhjrEU0aFts7v/4WVz20uOlkI3eekXwvBRV6Q3TcYX46DhOhC42au"],
  ["bcrypt-2a", "password", "$2a$04$UuTkLRZZ6QofpDOlMz32MuuxEHA43WOemOYHPz6.SjsVsyO1tDU96"],
  [
    "bcrypt-2b",
    "correctbatteryhorsestapler",
    "$2b$04$EGdrhbKUv8Oc9vGiXX0HQOxSg445d458Muh7DAHskb6QbtCvdxcie",
  ],
  ["sha1", "password", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="],
  ["apr1-old", "zaq1@WSX", "$apr1$7/CTEZag$omWmIgXPJYoxB3joyuq4S/"],
] as const;

/** A password past 64 bytes and outside ASCII, to go through every branch of the hashes. */
const LONG_PASSWORD = "pässwörd-".repeat(9);

/** Hashes that openssl makes here and now, in the formats it shares with htpasswd. */
const OPENSSL_FORMATS = ["apr1", "1", "5", "6"] as const;

function opensslHash(format: (typeof OPENSSL_FORMATS)[number], password: string, salt: string) {
  return execFileSync("openssl", ["passwd", `-${format}`, "-salt", salt, password], {
    encoding: "utf8",
  }).trim();
}

let dir: string;
let recordFile: string;
let htpasswd: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-basic-auth-"));
  recordFile = join(dir, "received.jsonl");
  const made = OPENSSL_FORMATS.flatMap((format) => [
    `ssl-${format}:${opensslHash(format, "open sesame", "s4lt")}`,
    `long-${format}:${opensslHash(format, LONG_PASSWORD, "abcdefgh")}`,
  ]);
  // A custom round count, which SHA-crypt writes into the hash.
  const rounds = execFileSync("openssl", ["passwd", "-6", "-salt", "rounds=1200$xy", "r"], {
    encoding: "utf8",
  }).trim();
  htpasswd = [
    "# users for the tests",
    ...FOREIGN_HASHES.map(([user, , hash]) => `${user}:${hash}`),
    ...made,
    `rounds:${rounds}`,
    "",
  ].join("\r\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const recorder = () => ({
  ...stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]),
  env: { RECORD_FILE: recordFile },
});

function gatewayWith(policies: RoutePolicies): Promise<TestGateway> {
  return startGateway([route({ targets: [recorder()] }, { policies })]);
}

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});

/**
 * The status of a GET without a session: 400 "send initialize first" from the relay when the
 * credentials passed, 401 when they did not. It starts no target, so many checks stay quick.
 */
async function statusFor(url: string, user: string, password: string): Promise<number> {
  const answer = await rawRequest(url, {
    headers: { Accept: "text/event-stream", ...basic(user, password) },
  });
  return answer.status;
}
const PASSED = 400;

describe("basicAuth modes", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("strict: no credentials is 401 with a Basic challenge naming the realm (default Restricted)", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
    const answer = await postInitialize(gw.url);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Basic realm="Restricted"');
    expect(await answer.text()).toBe(
      "basic authentication failure: no basic authentication credentials found",
    );
    expect(gw.requests().at(-1)).toMatchObject({
      status: 401,
      denied: true,
      reason: "no basic authentication credentials found",
    });
  });

  it("strict: a wrong password is 401 'invalid credentials'; the log names the user, never the password", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd, realm: "gatehouse tests" } });
    const answer = await postInitialize(gw.url, basic("user1", "agentgateway-not"));
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toBe('Basic realm="gatehouse tests"');
    expect(await answer.text()).toBe("basic authentication failure: invalid credentials");
    const denial = gw.requests().at(-1) as RequestEvent;
    expect(denial).toMatchObject({
      denied: true,
      reason: "invalid credentials: wrong password",
      unverifiedSubject: "user1",
    });
    expect(denial.subject).toBeUndefined();
    const log = JSON.stringify(gw.events);
    expect(log).not.toContain("agentgateway-not");
    expect(log).not.toContain(basic("user1", "agentgateway-not").Authorization.slice(6));
  });

  it("an unknown user gets the same answer, and the log keeps the name to itself (it may be a password)", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
    const answer = await postInitialize(gw.url, basic("hunter2", "x"));
    expect(await answer.text()).toBe("basic authentication failure: invalid credentials");
    const denial = gw.requests().at(-1) as RequestEvent;
    expect(denial.reason).toBe("invalid credentials: unknown user");
    expect(JSON.stringify(gw.events)).not.toContain("hunter2");
  });

  it("what is not the base64 of user:password is refused as invalid", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
    for (const credentials of ["not base64!", Buffer.from("no-colon").toString("base64")]) {
      const answer = await postInitialize(gw.url, { Authorization: `Basic ${credentials}` });
      expect(answer.status).toBe(401);
      expect(gw.requests().at(-1)?.reason).toBe(
        "invalid credentials: not the base64 of user:password",
      );
    }
  });

  it("credentials over 1024 characters are refused before they are decoded", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
    const answer = await postInitialize(gw.url, basic("user1", "p".repeat(2000)));
    expect(answer.status).toBe(401);
    expect(gw.requests().at(-1)?.reason).toBe("invalid credentials: longer than 1024 characters");
  });

  it("strict: the right password lets an MCP client in, named by its user; the target never sees it", async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
    const client = await connect(gw.url, { headers: basic("user1", "agentgateway") });
    expect(textOf(await client.callTool({ name: "echo", arguments: { message: "hi" } }))).toContain(
      "hi",
    );
    expect(gw.requests("tools/call").at(-1)).toMatchObject({
      subject: "user1",
      issuer: "basicAuth",
    });
    await client.close();
    expect(await readFile(recordFile, "utf8")).not.toContain(
      basic("user1", "agentgateway").Authorization,
    );
  });

  it("optional (the default): no credentials pass as anonymous, wrong ones do not", async () => {
    gw = await gatewayWith({ basicAuth: { htpasswd } });
    expect((await postInitialize(gw.url)).status).toBe(200);
    expect(gw.requests().at(-1)?.subject).toBeUndefined();
    expect((await postInitialize(gw.url, basic("user1", "nope"))).status).toBe(401);
    expect((await postInitialize(gw.url, basic("sha1", "password"))).status).toBe(200);
  });

  it("credentials in Proxy-Authorization are challenged as a proxy: 407 and Proxy-Authenticate", async () => {
    gw = await gatewayWith({
      basicAuth: {
        mode: "strict",
        htpasswd,
        authorizationLocation: { header: { name: "Proxy-Authorization", prefix: "Basic " } },
      },
    });
    // fetch cannot show a 407 (it takes it for its own proxy's), so this asks with node:http.
    const answer = await rawRequest(gw.url, { method: "POST" });
    expect(answer.status).toBe(407);
    expect(answer.headers["proxy-authenticate"]).toBe('Basic realm="Restricted"');
    expect(answer.headers["www-authenticate"]).toBeUndefined();
    const proxied = basic("user1", "agentgateway").Authorization;
    expect((await postInitialize(gw.url, { "Proxy-Authorization": proxied })).status).toBe(200);
  });
});

describe("every hash format agentgateway reads, but DES and $2x$", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await gatewayWith({ basicAuth: { mode: "strict", htpasswd } });
  });
  afterAll(() => gw.close());

  it.each(FOREIGN_HASHES.map(([user, password, hash]) => [hash.slice(0, 5), user, password]))(
    "%s hashes made elsewhere (%s)",
    async (_format, user, password) => {
      expect(await statusFor(gw.url, user, password)).toBe(PASSED);
      expect(await statusFor(gw.url, user, `${password}!`)).toBe(401);
    },
  );

  it.each(OPENSSL_FORMATS)(
    "$%s$ hashes that openssl makes, short and long passwords",
    async (format) => {
      expect(await statusFor(gw.url, `ssl-${format}`, "open sesame")).toBe(PASSED);
      expect(await statusFor(gw.url, `ssl-${format}`, "open sesame ")).toBe(401);
      expect(await statusFor(gw.url, `long-${format}`, LONG_PASSWORD)).toBe(PASSED);
      const almost = LONG_PASSWORD.slice(0, -1);
      expect(await statusFor(gw.url, `long-${format}`, almost)).toBe(401);
    },
  );

  it("SHA-crypt with its own round count", async () => {
    expect(await statusFor(gw.url, "rounds", "r")).toBe(PASSED);
  });

  it("a password that verified once is remembered, but only with that exact password", async () => {
    // The second check of a bcrypt user is answered from memory; a near miss still is not.
    for (let i = 0; i < 3; i++) {
      expect(await statusFor(gw.url, "testuser", "test123")).toBe(PASSED);
    }
    expect(await statusFor(gw.url, "testuser", "test1234")).toBe(401);
    expect(await statusFor(gw.url, "testuser:test", "123")).toBe(401);
  });
});

describe("what CEL rules see of a basic-auth user", () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.close());

  it("mcpAuthorization decides on basicAuth.username; the Authorization header is gone from request.headers", async () => {
    gw = await gatewayWith({
      basicAuth: { mode: "strict", htpasswd },
      mcpAuthorization: {
        rules: [
          'mcp.tool.name == "echo"',
          'basicAuth.username == "user1" && !("authorization" in request.headers) && mcp.tool.name == "printEnv"',
        ],
      },
    });
    const user1 = await connect(gw.url, { headers: basic("user1", "agentgateway") });
    const other = await connect(gw.url, { headers: basic("sha1", "password") });
    const names = async (client: typeof user1) =>
      (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(await names(user1)).toEqual(["echo", "printEnv"]);
    expect(await names(other)).toEqual(["echo"]);
    await expect(other.callTool({ name: "printEnv", arguments: {} })).rejects.toThrow(
      /Unknown tool: printEnv/,
    );
    await Promise.all([user1.close(), other.close()]);
  });

  it("basicAuth is null without credentials", async () => {
    gw = await gatewayWith({
      basicAuth: { htpasswd },
      authorization: { rules: ["basicAuth == null"] },
    });
    expect((await postInitialize(gw.url)).status).toBe(200);
    expect((await postInitialize(gw.url, basic("sha1", "password"))).status).toBe(403);
  });
});

describe("basicAuth in the config", () => {
  const load = (yaml: string) => loadCompiled(yaml, dir);
  const compileProblems = async (yaml: string) =>
    (await compiledProblemListOf(yaml, dir)).map((p) => `${p.line} ${p.path}: ${p.message}`);
  const withPolicy = (basicAuth: string) => `mcp:
  policies:
    basicAuth:
${basicAuth}
  targets:
    - name: rec
      stdio: { cmd: node }
`;

  it("agentgateway's documented MCP example loads ($$ is a $), and behaves as documented", async () => {
    // From the standalone docs, "Basic authentication", tab "Simplified (MCP)".
    const loaded =
      await load(`# yaml-language-server: $schema=https://agentgateway.dev/schema/config
mcp:
  port: 3000
  policies:
    basicAuth:
      mode: strict
      # Generated with \`htpasswd -nb -B user1 agentgateway\`
      # You can also use:
      # htpasswd:
      #   file: /path/to/htpasswd
      # With inline configuration, $ must be escaped to $$.
      htpasswd: |
        user1:$$2y$$05$$LMZ.8WGNqvagmtJz2Gw6VuiE6khXc2zc0FDTHrfWJyLT66HM8BMAa
      realm: example.com
  targets:
  - name: everything
    stdio:
      cmd: npx
      args: ["@modelcontextprotocol/server-everything"]
`);
    const served = await serveConfig(loaded.gateway, [recorder()]);
    try {
      const refused = await postInitialize(served.url);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe('Basic realm="example.com"');
      // `curl http://user1:agentgateway@localhost:3000`, as the page sends it.
      expect((await postInitialize(served.url, basic("user1", "agentgateway"))).status).toBe(200);
    } finally {
      await served.close();
    }
  });

  it("on a listener of a gateway (agentgateway's other attachment), before every route", async () => {
    const loaded = await load(`gateways:
  default:
    port: 3000
    listeners:
    - name: main
      basicAuth:
        mode: strict
        htpasswd: "sha1:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
routes:
- policies:
    authorization:
      rules: ['basicAuth.username == "sha1"']
  backends:
  - mcp:
      targets:
      - name: rec
        stdio: { cmd: node }
`);
    const served = await serveConfig(loaded.gateway, [recorder()]);
    try {
      expect((await postInitialize(served.url)).status).toBe(401);
      expect((await postInitialize(served.url, basic("sha1", "password"))).status).toBe(200);
      expect(served.requests().at(-1)).toMatchObject({ subject: "sha1", issuer: "basicAuth" });
    } finally {
      await served.close();
    }
  });

  it("the htpasswd file form reads the file relative to the working directory", async () => {
    await writeFile(join(dir, "users.htpasswd"), htpasswd);
    await load(withPolicy("      htpasswd: { file: users.htpasswd }"));
    expect(await compileProblems(withPolicy("      htpasswd: { file: missing.htpasswd }"))).toEqual(
      [
        expect.stringMatching(
          /^4 mcp\.policies\.basicAuth\.htpasswd\.file: cannot read ".*\/missing\.htpasswd" \(ENOENT\)$/,
        ),
      ],
    );
  });

  it("each user whose hash Gatehouse cannot check is refused, naming its line and user", async () => {
    await writeFile(
      join(dir, "refused.htpasswd"),
      [
        "des:bGVh02xkuGli2",
        "plain:secret",
        "buggy:$2x$05$nC6nErr9XZJuMJ57WyCob.EuZEjylDt2KaHfbfOtyb.EgL1I2jCVa",
        "slow:$2y$18$nC6nErr9XZJuMJ57WyCob.EuZEjylDt2KaHfbfOtyb.EgL1I2jCVa",
        "broken:$apr1$",
        "good:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "good:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
        "no colon here",
      ].join("\n"),
    );
    const problems = await compileProblems(
      withPolicy("      htpasswd: { file: refused.htpasswd }"),
    );
    const at = "4 mcp.policies.basicAuth.htpasswd.file: refused.htpasswd:";
    expect(problems).toEqual([
      `${at} line 1 (user des): this looks like a DES crypt hash, which reads only the first 8 characters of a password: Gatehouse does not accept it; re-create the password with htpasswd -B`,
      `${at} line 2 (user plain): not a password hash Gatehouse reads (bcrypt ($2y$, $2b$, $2a$), $apr1$, {SHA}, $1$, $5$ or $6$); a plain-text password is not accepted`,
      `${at} line 3 (user buggy): $2x$ marks bcrypt hashes made by a bug in crypt_blowfish, which Gatehouse does not reproduce: re-create the password with htpasswd -B`,
      `${at} line 4 (user slow): bcrypt cost 18 is over 17, the most htpasswd makes: every check would take minutes`,
      `${at} line 5 (user broken): a malformed hash: Gatehouse reads bcrypt ($2y$, $2b$, $2a$), $apr1$, {SHA}, $1$, $5$ or $6$`,
      `${at} line 7: user good is already on line 6`,
      `${at} line 8 is not "user:password-hash"`,
    ]);
  });

  it("an htpasswd that lists nobody is refused: no one could ever pass", async () => {
    expect(await compileProblems(withPolicy('      htpasswd: "# nobody yet\\n"'))).toEqual([
      "4 mcp.policies.basicAuth.htpasswd: htpasswd: it lists no users",
    ]);
  });

  it("permissive (which agentgateway's basicAuth lacks) and unknown keys are refused", () => {
    const problems = problemListOf(
      withPolicy(`      htpasswd: "u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
      mode: permissive
      location: { header: { name: x-user } }`),
    );
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'mcp.policies.basicAuth.mode: must be one of "strict", "optional"',
      'mcp.policies.basicAuth.location: unknown key "location" (allowed here: htpasswd, realm, mode, authorizationLocation)',
    ]);
  });
});
