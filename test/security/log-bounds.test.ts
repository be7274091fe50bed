import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec } from "../../src/main/config/model";
import type { GatewayEvent, RequestEvent } from "../../src/main/gateway/log-event";
import { DenialFile } from "../../src/main/app/denial-log";
import { RequestLog } from "../../src/main/app/request-log";
import { printEvents } from "../../src/main/cli/log-printer";
import { Gateway } from "../../src/main/gateway/gateway";
import { LogBus } from "../../src/main/gateway/log-bus";
import { testIssuer, type TestIssuer } from "../auth/issuer";
import { fixture, postInitialize, route, stdioTarget, waitFor } from "../relay/harness";
import { callTool, openSession, postMessage } from "./secure-gateway";

const KiB = 1024;
const MiB = 1024 * KiB;
/** What must never reach a log line raw: controls, DEL, C1, line separators, bidi controls. */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;
/** Identifiers are cut at 256 characters; the cut marker adds a few more. */
const MAX_IDENTIFIER = 256 + 40;
/** A log line of the text printer, with every field at its bound, stays well under this. */
const MAX_LINE = 8 * KiB;
/** What the in-memory request log may hold (UTF-16 strings: two bytes a character). */
const LOG_BUDGET_BYTES = 4 * MiB;
/** The same for a printed line, where tabs separate the fields and indent continued lines. */
const UNSAFE_IN_LINE = /(?!\t)[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/;

/** A gateway as the CLI and the app run it: a text printer and the UI's request log on its bus. */
interface LoggedGateway {
  base: string;
  events: GatewayEvent[];
  log: RequestLog;
  /** Everything the text printer wrote so far. */
  text: () => string;
  close: () => Promise<void>;
}

/** The text printer of the CLI on `bus`, writing into a string. */
function printText(bus: LogBus): { text: () => string; stop: () => void } {
  let printed = "";
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      printed += chunk.toString();
      done();
    },
  });
  return { text: () => printed, stop: printEvents(bus, sink, "text") };
}

async function startLoggedGateway(routes: RouteSpec[]): Promise<LoggedGateway> {
  const bus = new LogBus();
  const events: GatewayEvent[] = [];
  const log = new RequestLog();
  bus.subscribe((event) => {
    events.push(event);
    if (event.kind === "request") log.add(event);
  });
  const printer = printText(bus);
  const gateway = new Gateway({ bus, version: "test", initializeTimeoutMs: 15_000 });
  await gateway.apply({
    listeners: [{ name: "test", address: "127.0.0.1", port: 0, routes }],
    sessionIdleMs: 60_000,
  });
  return {
    base: gateway.urls[0] as string,
    events,
    log,
    text: printer.text,
    close: async () => {
      await gateway.close();
      printer.stop();
    },
  };
}

const recording = () => stdioTarget("rec", process.execPath, [fixture("recording-server.mjs")]);
const at = (prefix: string) => ({ paths: [{ kind: "prefix" as const, value: prefix }] });

/** A tools/call on the session; the JSON-RPC answer. */
async function callNamed(url: string, session: string, name: string, id: number) {
  const answer = await postMessage(url, session, undefined, callTool(id, name));
  return (await answer.json()) as { error?: { message: string } };
}

function stringsOf(event: object): string[] {
  return Object.values(event).flatMap((value): string[] =>
    typeof value === "string" ? [value] : Array.isArray(value) ? value : [],
  );
}

/** Bytes as the request log's budget counts them: two a character. */
function stringBytes(entries: object[]): number {
  return entries.reduce((sum, entry) => sum + 2 * stringsOf(entry).join("").length, 0);
}

/** Every printed line starts an entry with its timestamp, or continues one indented. */
function expectSafeText(text: string): void {
  for (const line of text.split("\n").filter((l) => l !== "")) {
    expect(line).not.toMatch(UNSAFE_IN_LINE);
    expect(TIMESTAMP.test(line) || line.startsWith("\t")).toBe(true);
    expect(line.length).toBeLessThan(MAX_LINE);
  }
}

describe("hostile tool names reach the log bounded and escaped", () => {
  let gw: LoggedGateway;
  let nextId = 1;
  beforeAll(async () => {
    gw = await startLoggedGateway([
      route({ targets: [recording()] }, { name: "open", ...at("/open") }),
      route(
        { targets: [recording()] },
        {
          name: "guarded",
          ...at("/guarded"),
          policies: { mcpAuthorization: { rules: ['mcp.tool.name == "echo"'] } },
        },
      ),
    ]);
  });
  afterAll(() => gw?.close());

  const names: [string, string, (logged: string) => void][] = [
    [
      "a 5 MiB name",
      "n".repeat(5 * MiB),
      (logged) => expect(logged).toBe(`${"n".repeat(256)}…[${5 * MiB - 256} more characters]`),
    ],
    [
      "ANSI escapes",
      "\x1b[2J\x1b[1;31mowned\x1b[0m",
      (logged) => expect(logged).toBe("\\x1b[2J\\x1b[1;31mowned\\x1b[0m"),
    ],
    [
      "a C1 CSI, BEL, DEL and a carriage return",
      "echo\u009b2J\x07\x7f\r",
      (logged) => expect(logged).toBe("echo\\x9b2J\\x07\\x7f\\r"),
    ],
    [
      "a newline that forges a log line",
      "echo\n2030-01-01T00:00:00.000Z\tinfo\trequest http.status=200",
      (logged) =>
        expect(logged).toBe("echo\\n2030-01-01T00:00:00.000Z\\tinfo\\trequest http.status=200"),
    ],
    ["a bidi override", "echo\u202egpj.exe", (logged) => expect(logged).toBe("echo\\u202egpj.exe")],
  ];
  const cases = ["open", "guarded"].flatMap((routeName) =>
    names.map(([what, name, check]) => ({ routeName, what, name, check })),
  );

  it.each(cases)("$routeName route: $what", async ({ routeName, name, check }) => {
    const url = `${gw.base}/${routeName}`;
    const session = await openSession(url);
    const answer = await callNamed(url, session, name, nextId++);
    if (routeName === "guarded") {
      // Refused as unknown, and the name in that answer is bounded as it is in the log.
      const message = answer.error?.message ?? "";
      expect(message.startsWith("Unknown tool: ")).toBe(true);
      check(message.slice("Unknown tool: ".length));
    }
    const logged = () =>
      gw.events.find(
        (e): e is RequestEvent =>
          e.kind === "request" && e.session === session && e.method === "tools/call",
      );
    await waitFor("the call's log event", () => logged() !== undefined);
    const event = logged() as RequestEvent;

    expect(event.denied === true).toBe(routeName === "guarded");
    check(event.name as string);
    for (const value of stringsOf(event)) expect(value).not.toMatch(UNSAFE);
    for (const key of ["name", "target", "session", "route", "method"] as const) {
      expect((event[key] ?? "").length).toBeLessThanOrEqual(MAX_IDENTIFIER);
    }
    expect((event.error ?? "").length).toBeLessThanOrEqual(2048 + 40);

    await waitFor("the call's text log line", () =>
      gw.text().includes(`mcp.session.id=${session}`),
    );
    expectSafeText(gw.text());
  });

  it("the request log stays within its memory budget after a flood of long names", async () => {
    const url = `${gw.base}/guarded`;
    const session = await openSession(url);
    const flood = 1100;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = worker; i < flood; i += 8) {
        await callNamed(url, session, `${i}-${"w".repeat(8 * KiB)}`, nextId++);
      }
    });
    await Promise.all(workers);
    await waitFor(
      "every call of the flood in the log",
      () =>
        gw.events.filter(
          (e) => e.kind === "request" && e.session === session && e.method === "tools/call",
        ).length === flood,
    );

    const entries = gw.log.recent(10_000);
    expect(entries.length).toBeGreaterThan(200);
    expect(stringBytes(entries)).toBeLessThanOrEqual(LOG_BUDGET_BYTES);
  });
});

describe("notices in the text log", () => {
  it("a notice that spans lines continues indented, and its other controls are escaped", async () => {
    const bus = new LogBus();
    const printer = printText(bus);
    bus.notice("error", "config not applied:\nconfig.yaml:3:5: bad\x1b[2J\r");
    await waitFor("the notice to be printed", () => printer.text() !== "");
    printer.stop();
    const [first, second, ...rest] = printer.text().split("\n");
    expect(first).toMatch(/\terror\tconfig not applied:$/);
    expect(second).toBe("\tconfig.yaml:3:5: bad\\x1b[2J\\r");
    expect(rest).toEqual([""]);
  });
});

describe("the persisted denials are bounded too", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gatehouse-denials-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const denial = (name: string): RequestEvent => ({
    kind: "request",
    time: Date.now(),
    status: 200,
    httpMethod: "POST",
    path: "/mcp",
    method: "tools/call",
    name,
    durationMs: 1,
    denied: true,
  });

  it("a denial file written before the bounds loads bounded and escaped", async () => {
    const folder = join(dir, "legacy");
    const file = new DenialFile(folder);
    await mkdir(folder);
    await writeFile(file.path, JSON.stringify(denial(`\x1b[31m${"n".repeat(MiB)}`)) + "\n");
    const [loaded] = await file.load();
    expect(loaded?.name?.startsWith("\\x1b[31mnnn")).toBe(true);
    expect(loaded?.name?.length).toBeLessThanOrEqual(MAX_IDENTIFIER);
  });

  it("stays within its byte budget however large the denials are", async () => {
    const bus = new LogBus();
    const file = new DenialFile(join(dir, "flood"));
    bus.subscribe((event) => event.kind === "request" && file.append(event));
    // Every field as long as the bus lets it be.
    const long = (char: string) => char.repeat(4 * KiB);
    const maximal = (i: number): RequestEvent => ({
      ...denial(`${i}${long("n")}`),
      httpMethod: long("h"),
      path: long("p"),
      route: long("o"),
      target: long("t"),
      session: long("s"),
      subject: long("u"),
      issuer: long("i"),
      unverifiedSubject: long("v"),
      unverifiedIssuer: long("w"),
      error: long("e"),
      reason: long("r"),
    });
    for (let i = 0; i < 1300; i++) bus.emit(maximal(i));
    await file.flushed();
    expect((await stat(file.path)).size).toBeLessThanOrEqual(2.5 * MiB);
    const kept = await file.load();
    expect(kept.at(-1)?.name?.startsWith("1299n")).toBe(true);
  });
});

describe("a refused token's claimed subject and issuer are logged as unverified", () => {
  let idp: TestIssuer;
  let forger: TestIssuer;
  let gw: LoggedGateway;
  beforeAll(async () => {
    idp = await testIssuer();
    // The same issuer name and key id, another key: its signatures do not verify.
    forger = await testIssuer(idp.issuer);
    gw = await startLoggedGateway([
      route(
        { targets: [recording()] },
        {
          policies: {
            jwtAuth: { mode: "strict", issuer: idp.issuer, jwks: JSON.stringify(idp.jwks) },
          },
        },
      ),
    ]);
  });
  afterAll(() => gw?.close());

  const cases: {
    what: string;
    token: () => Promise<string>;
    subject: string | undefined;
    issuer: () => string | undefined;
  }[] = [
    {
      what: "an expired token",
      token: () => idp.sign({ sub: "mallory" }, { expiresIn: "-5m" }),
      subject: "mallory",
      issuer: () => idp.issuer,
    },
    {
      what: "a token with a bad signature",
      token: () => forger.sign({ sub: "mallory" }),
      subject: "mallory",
      issuer: () => idp.issuer,
    },
    {
      what: "a token from an unknown issuer",
      token: async () => (await testIssuer("https://evil.test")).sign({ sub: "mallory" }),
      subject: "mallory",
      issuer: () => "https://evil.test",
    },
    {
      what: "a token whose sub holds ANSI escapes",
      token: () => idp.sign({ sub: "\x1b[32mroot\x1b[0m" }, { expiresIn: "-5m" }),
      subject: "\\x1b[32mroot\\x1b[0m",
      issuer: () => idp.issuer,
    },
    {
      what: "a token that is no JWT (nothing to read)",
      token: async () => "not.a.token",
      subject: undefined,
      issuer: () => undefined,
    },
  ];

  it.each(cases)("$what", async ({ token, subject, issuer }) => {
    const sent = await token();
    const before = gw.events.length;
    const answer = await postInitialize(`${gw.base}/mcp`, { Authorization: `Bearer ${sent}` });
    expect(answer.status).toBe(401);
    await waitFor("the 401 in the log", () =>
      gw.events.slice(before).some((e) => e.kind === "request" && e.status === 401),
    );
    const event = gw.events
      .slice(before)
      .find((e): e is RequestEvent => e.kind === "request" && e.status === 401) as RequestEvent;
    expect(event).toMatchObject({ denied: true, subject: undefined, issuer: undefined });
    expect(event.unverifiedSubject).toBe(subject);
    expect(event.unverifiedIssuer).toBe(issuer());

    const refusalLines = () =>
      gw
        .text()
        .split("\n")
        .filter((l) => l.includes("http.status=401"));
    const refusals = gw.events.filter((e) => e.kind === "request" && e.status === 401).length;
    await waitFor("the 401's text log line", () => refusalLines().length === refusals);
    const line = refusalLines().at(-1) as string;
    expect(line).not.toMatch(/jwt\.(sub|iss)=/);
    if (subject !== undefined) expect(line).toContain(`jwt.sub.unverified=${subject}`);
    expectSafeText(gw.text());
  });
});
