import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  demoConfig,
  escapeRegExp,
  freePort,
  killAll,
  removeTemps,
  ROOT,
  run,
  serving,
  start,
  waitFor,
  writeTemp,
} from "./helpers";

afterEach(killAll);
afterAll(removeTemps);

describe("gatehouse usage", () => {
  it("--help documents every command and option", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const word of ["serve", "check", "demo-server", "-f, --file", "--log-format"]) {
      expect(stdout).toContain(word);
    }
    expect(stdout).toMatch(/text.*json/s);
  });

  it("--version prints the version of package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const { code, stdout } = await run(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["--frobnicate"], /unknown option '--frobnicate'/i],
    [["--log-format", "xml"], /--log-format is text or json/],
    [["check"], /check needs -f/],
  ])("%j exits 2 and points at --help", async (args, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("gatehouse --help");
  });
});

describe("gatehouse check", () => {
  it("exits 0 on a valid config and says so", async () => {
    const file = writeTemp("valid.yaml", demoConfig(4999));
    const { code, stdout } = await run(["check", "-f", file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${file}: valid`);
  });

  it("exits 1 on an invalid config and lists every problem at file:line:col", async () => {
    const file = writeTemp(
      "invalid.yaml",
      [
        "mcp:",
        "  port: not-a-port", // line 2: a string where a number belongs
        "  targets:",
        "    - name: demo",
        "      stdio: {cmd: node}",
        "colour: blue", // line 6: a key agentgateway does not know
        "",
      ].join("\n"),
    );
    const { code, stdout, stderr } = await run(["check", "-f", file]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^${escapeRegExp(file)}:2:9: mcp\\.port: .*number`, "m"));
    expect(stderr).toMatch(
      new RegExp(`^${escapeRegExp(file)}:6:1: colour: unknown key "colour"`, "m"),
    );
    expect(stderr).toContain(`${file}: 2 problems`);
  });

  it("warns of the JWKS keys it skips, in the words serve logs them with", async () => {
    const { publicKey: shortRsa } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const { publicKey: ec } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwks = JSON.stringify({
      keys: [
        { ...shortRsa.export({ format: "jwk" }), kid: "short" },
        { ...ec.export({ format: "jwk" }), kid: "good" },
      ],
    });
    const port = await freePort();
    const file = writeTemp(
      "skipped-key.yaml",
      demoConfig(port).replace(
        "  targets:",
        `  policies:\n    jwtAuth:\n      issuer: me\n      jwks: '${jwks}'\n  targets:`,
      ),
    );
    const skipped =
      'keys of me: the inline jwks: key "short" is an RSA key of 1024 bits (2048 at least) (ignored)';

    const checked = await run(["check", "-f", file]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toBe(
      `${file}: ${skipped} (warning)\n${file}: valid (1 listener(s), 1 route(s))\n`,
    );

    const served = start(["-f", file, "--admin-port", "0"]);
    await serving(served, port);
    // The same words, as a warning line of the log: `<time>\twarn\t<message>`.
    await waitFor("serve to log the skipped key", () =>
      served.stdout.includes(`\twarn\t${skipped}\n`),
    );
  });

  it("exits 1 with file:1:1 when the file does not exist", async () => {
    const file = join(ROOT, "no-such-config.yaml");
    const { code, stderr } = await run(["check", "-f", file]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:1:1: cannot read the config: file not found`);
  });
});
