import { describe, expect, it } from "vitest";
import {
  ARGUMENTS_NOT_KNOWN,
  RuleSet,
  toCelValue,
  type CelContext,
  type RuleEffect,
  type RuleScope,
  type RuleSpec,
} from "../../src/main/gateway/policies/cel";

const allow = (expression: string): RuleSpec => ({ effect: "allow", expression });
const deny = (expression: string): RuleSpec => ({ effect: "deny", expression });
const require_ = (expression: string): RuleSpec => ({ effect: "require", expression });

function compiled(rules: RuleSpec[], scope: RuleScope = "mcp"): RuleSet {
  const { ruleSet, errors } = RuleSet.compile(rules, scope);
  expect(errors).toEqual([]);
  return ruleSet as RuleSet;
}

function context(
  claims: Record<string, unknown> = {},
  extra: Partial<CelContext> = {},
): CelContext {
  return {
    jwt: toCelValue(claims),
    request: {
      method: "POST",
      path: "/mcp",
      host: "localhost:3000",
      headers: { "content-type": "application/json", "x-team": "blue" },
    },
    source: { address: "127.0.0.1" },
    apiKey: null,
    basicAuth: null,
    extauthz: null,
    mcp: { tool: { name: "echo", target: "everything" } },
    ...extra,
  };
}

const decide = (rules: RuleSpec[], ctx = context(), scope: RuleScope = "mcp") =>
  compiled(rules, scope).decide(ctx);

describe("rule semantics", () => {
  const yes = "true";
  const no = "false";
  it.each<[string, RuleSpec[], boolean, string]>([
    ["no rules allow", [], true, "no rules"],
    ["a true allow rule allows", [allow(no), allow(yes)], true, "allowed by rule 2: true"],
    ["allow rules that are all false deny", [allow(no), allow(no)], false, "no allow rule matched"],
    ["deny beats allow", [allow(yes), deny(yes)], false, "denied by rule 2: true"],
    ["deny-only sets allow by default", [deny(no), deny(no)], true, "no rule denied"],
    ["a true deny rule denies", [deny(no), deny(yes)], false, "denied by rule 2: true"],
    [
      "a false require rule denies",
      [allow(yes), require_(no)],
      false,
      "require rule 2 not met: false",
    ],
    [
      "met requires let allow rules decide",
      [require_(yes), allow(yes)],
      true,
      "allowed by rule 2: true",
    ],
    ["met requires alone allow", [require_(yes)], true, "no rule denied"],
    [
      "met requires and no allow match deny",
      [require_(yes), allow(no)],
      false,
      "no allow rule matched",
    ],
    ["deny beats a failed require", [require_(no), deny(yes)], false, "denied by rule 2: true"],
  ])("%s", (_name, rules, allowed, reason) => {
    expect(decide(rules)).toMatchObject({ allowed, reason });
  });

  it("names the deciding rule by its index in the list", () => {
    const rules = [allow("false"), deny('mcp.tool.name == "rm"'), allow('mcp.tool.name == "echo"')];
    expect(decide(rules)).toEqual({
      allowed: true,
      reason: 'allowed by rule 3: mcp.tool.name == "echo"',
      ruleIndex: 2,
    });
    expect(decide([allow("false")]).ruleIndex).toBeUndefined();
  });

  it("puts a multi-line rule on one line in the reason", () => {
    const decision = decide([allow('mcp.tool.name == "echo" &&\n  request.method == "POST"\n')]);
    expect(decision.reason).toBe(
      'allowed by rule 1: mcp.tool.name == "echo" && request.method == "POST"',
    );
  });

  it("counts only true as true", () => {
    expect(decide([allow("jwt.flag")], context({ flag: "yes" })).allowed).toBe(false);
    expect(decide([allow("jwt.flag")], context({ flag: true })).allowed).toBe(true);
  });

  it("reports its size", () => {
    expect(compiled([allow("true"), deny("false"), require_("true")]).size).toBe(3);
    expect(compiled([]).size).toBe(0);
  });
});

describe("a rule whose evaluation fails counts as false", () => {
  const missing = 'jwt.team == "red"';

  it.each<[RuleEffect, RuleSpec[], boolean, string]>([
    ["deny", [deny(missing), allow("true")], true, "allowed by rule 2: true"],
    ["allow", [allow(missing)], false, "no allow rule matched (rule 1 failed: No such key: team)"],
    [
      "require",
      [require_(missing), allow("true")],
      false,
      'require rule 1 not met: jwt.team == "red" (No such key: team)',
    ],
  ])("%s", (_effect, rules, allowed, reason) => {
    expect(decide(rules)).toMatchObject({ allowed, reason });
  });

  it("also when the error is a type mismatch found only at run time", () => {
    expect(decide([allow("jwt.sub > 3")], context({ sub: "alice" })).allowed).toBe(false);
    expect(decide([deny("jwt.sub > 3")], context({ sub: "alice" })).allowed).toBe(true);
  });

  it("also for mcp.* when the context has no mcp (a route rule)", () => {
    const ctx = context({}, { mcp: undefined });
    expect(decide([deny('mcp.tool.name == "rm"')], ctx, "mcp").allowed).toBe(true);
  });
});

describe("claims", () => {
  const claims = {
    sub: "test-user",
    level: 3,
    exp: 1900650294,
    ratio: 0.75,
    big: 2 ** 60,
    roles: ["admin", "dev"],
    list: ["apple", "banana"],
    nested: { key: "value", deeper: { n: 1 } },
    flags: [{ name: "beta", on: true }],
    none: null,
  };
  const ctx = context(JSON.parse(JSON.stringify(claims)));

  it.each([
    "jwt.level >= 3",
    "jwt.level == 3",
    "jwt.exp > 0",
    "jwt.exp - 60 > 1900000000",
    "jwt.ratio > 0.5 && jwt.ratio < 1",
    "jwt.big > 1000",
    '"admin" in jwt.roles',
    "size(jwt.roles) == 2",
    'jwt.roles[jwt.nested.deeper.n] == "dev"',
    'jwt.list.exists(x, x == "apple")',
    "jwt.list.all(x, x.size() >= 5)",
    'jwt.nested.key == "value"',
    '"key" in jwt.nested',
    'jwt.flags.exists(f, f.name == "beta" && f.on)',
    "jwt.none == null",
    "has(jwt.sub)",
    "!has(jwt.team)",
  ])("%s", (expression) => {
    expect(decide([allow(expression)], ctx)).toMatchObject({ allowed: true });
  });

  it("keeps a claim named __proto__ a claim", () => {
    const ctx = context(JSON.parse('{"__proto__": {"admin": true}}'));
    expect(decide([allow('jwt["__proto__"].admin')], ctx).allowed).toBe(true);
    expect(decide([allow("has(jwt.admin)")], ctx).allowed).toBe(false);
  });

  it("has no claims without a token, so claim rules are false", () => {
    expect(decide([allow('jwt.sub == "test-user"')], context({})).allowed).toBe(false);
    expect(decide([allow("has(jwt.sub)")], context({})).allowed).toBe(false);
  });

  it("converts integral numbers to BigInt and leaves the rest as JSON", () => {
    expect(toCelValue({ n: 3, d: 0.5, s: "x", l: [1, "a"], o: { b: false, z: null } })).toEqual({
      n: 3n,
      d: 0.5,
      s: "x",
      l: [1n, "a"],
      o: { b: false, z: null },
    });
    expect(toCelValue({ huge: 2 ** 60 })).toEqual({ huge: 2 ** 60 });
  });
});

describe("request and source", () => {
  it.each([
    'request.method == "POST"',
    'request.path.startsWith("/mcp")',
    'request.host == "localhost:3000"',
    'request.headers["x-team"] == "blue"',
    '"content-type" in request.headers',
    '!("authorization" in request.headers)',
    'source.address == "127.0.0.1"',
    'source.address.startsWith("127.")',
  ])("%s", (expression) => {
    expect(decide([allow(expression)], context(), "http").allowed).toBe(true);
  });

  it("denies by header", () => {
    const rules = [deny('request.headers["x-team"] == "red"'), allow("true")];
    const red = context({}, { request: { ...context().request, headers: { "x-team": "red" } } });
    expect(decide(rules, red, "http")).toMatchObject({ allowed: false, ruleIndex: 0 });
    expect(decide(rules, context(), "http").allowed).toBe(true);
  });
});

describe("compile errors", () => {
  it.each<[string, string, number | undefined]>([
    ['jwt.sub == "x")', "syntax error: unexpected token ')' at 14", 14],
    ['jwt.sub == "x" &&', "syntax error: unexpected end of expression at 17", 17],
    ["(jwt.sub", "syntax error: expected token ')', found end of expression at 8", 8],
    ['jwt.sub = "x"', "syntax error: unexpected token '=' at 8", 8],
    ["", "syntax error: unexpected end of expression at 0", 0],
    [
      'user.name == "x"',
      "unknown variable 'user' (rules see jwt, request, source, mcp, apiKey, basicAuth, extauthz)",
      0,
    ],
    [
      'jwt.sub == "x" || foo.bar',
      "unknown variable 'foo' (rules see jwt, request, source, mcp, apiKey, basicAuth, extauthz)",
      18,
    ],
    ['1 + "a" == 2', "type error: no such overload: int + string", 0],
    ['"a" + "b"', "a rule must be true or false, but this one gives a value of type string", 0],
    ["1.matches(jwt.sub)", "type error: matches() works on strings, not int", 0],
  ])("%s", (expression, message, offset) => {
    const { ruleSet, errors } = RuleSet.compile([allow("true"), allow(expression)], "mcp");
    expect(ruleSet).toBeUndefined();
    expect(errors).toEqual([{ index: 1, message, offset }]);
  });

  it("reports every rule with an error", () => {
    const { errors } = RuleSet.compile([allow("("), deny("true"), require_("x")], "http");
    expect(errors.map((error) => error.index)).toEqual([0, 2]);
  });
});

describe("warnings", () => {
  const warningsOf = (expression: string, scope: RuleScope = "mcp") => {
    const { ruleSet, errors, warnings } = RuleSet.compile([allow(expression)], scope);
    expect(errors).toEqual([]);
    expect(ruleSet).toBeDefined();
    return warnings;
  };

  it.each<[string, RuleScope, string, number]>([
    [
      "has(mcp.tool.result)",
      "mcp",
      "mcp.tool.result never exists: rules decide before the call, so there is no result",
      4,
    ],
    [
      'jwt.sub == "a" && request.body.size() > 0',
      "http",
      "request.body never exists: Gatehouse does not read request bodies for rules",
      18,
    ],
    [
      'mcp.prompt.uri == "x"',
      "mcp",
      "mcp.prompt.uri does not exist: mcp.prompt has name, target",
      0,
    ],
    [
      'mcp["resource"]["name"] == "x"',
      "mcp",
      "mcp.resource.name does not exist: mcp.resource has uri, target",
      0,
    ],
    ['mcp.tools.name == "x"', "mcp", "mcp.tools does not exist: mcp has tool, prompt, resource", 0],
    ["source.port == 22", "http", "source.port does not exist: source has address", 0],
    [
      'request.uri == "/"',
      "http",
      "request.uri does not exist: request has method, path, host, headers",
      0,
    ],
    [
      'mcp.tool.name == "echo"',
      "http",
      "mcp.tool.name never exists in route authorization rules: mcp is only set in mcpAuthorization rules",
      0,
    ],
    [
      "size(mcp) > 0",
      "http",
      "mcp never exists in route authorization rules: mcp is only set in mcpAuthorization rules",
      5,
    ],
  ])("%s (%s)", (expression, scope, message, offset) => {
    expect(warningsOf(expression, scope)).toEqual([{ index: 0, message, offset }]);
  });

  it.each([
    'mcp.tool.name == "echo" && mcp.tool.target == "everything"',
    'mcp.prompt.name == "p" || mcp.resource.uri.startsWith("file:")',
    'request.headers["x-anything"] == "a" && request.path == "/" && source.address != ""',
    'jwt.anything.at.all == "fine"',
    'mcp.tool.arguments.path.startsWith("/home/alice/")',
  ])("none for %s", (expression) => {
    expect(warningsOf(expression)).toEqual([]);
  });

  it.each(["[1, 2].exists(mcp, mcp > 1)", 'cel.bind(request, {"body": 1}, request.body == 1)'])(
    "none for a macro variable that hides a root: %s",
    (expression) => {
      expect(warningsOf(expression, "http")).toEqual([]);
    },
  );

  it("reports a member once per rule, and per rule", () => {
    const { warnings } = RuleSet.compile(
      [allow("mcp.tool.result.a == 1 || mcp.tool.result.b == 2"), allow("request.body == 1")],
      "mcp",
    );
    expect(warnings.map(({ index }) => index)).toEqual([0, 1]);
  });

  it("warns that a deny rule on a call's arguments does not deny what makes it fail", () => {
    const { warnings } = RuleSet.compile([deny('mcp.tool.arguments.path == "/etc"')], "mcp");
    expect(warnings).toEqual([
      {
        index: 0,
        message: expect.stringContaining(
          "this deny rule reads mcp.tool.arguments: a call whose arguments make it fail",
        ),
        offset: 0,
      },
    ]);
  });

  it("sees the shadowed root outside the macro", () => {
    const warnings = warningsOf('cel.bind(mcp, mcp.tool.args, mcp == "x")');
    expect(warnings).toEqual([
      { index: 0, message: expect.stringContaining("mcp.tool.args does not exist"), offset: 14 },
    ]);
  });
});

describe("matches() cannot block the process", () => {
  const hostileInput = "a".repeat(50_000) + "!";

  it("rejects a literal pattern that cannot run in linear time, naming the problem", () => {
    const { errors } = RuleSet.compile([allow('request.path.matches("(a)\\\\1")')], "http");
    expect(errors).toEqual([
      {
        index: 0,
        message: "pattern (a)\\1 cannot run in linear time: backreferences (\\1)",
        offset: 21,
      },
    ]);
  });

  it("rejects an invalid literal pattern", () => {
    const { errors } = RuleSet.compile([allow('jwt.sub.matches("[a-")')], "http");
    expect(errors[0]?.message).toBe("pattern [a- is invalid: missing ]");
  });

  it.each(["(a+)+$", "(a|a)*b", "(a*)*b", "^(a|aa)+$", "(.*a){20}b"])(
    "runs %s in linear time on a hostile input",
    (pattern) => {
      const ctx = context({ pattern }, { request: { ...context().request, path: hostileInput } });
      const literal = `request.path.matches("${pattern}")`;
      expect(decide([allow(literal)], ctx, "http").allowed).toBe(false);
      expect(decide([allow("request.path.matches(jwt.pattern)")], ctx, "http").allowed).toBe(false);
    },
  );

  it("treats a dynamic pattern that cannot be used as an evaluation error", () => {
    const ctx = context({ pattern: "(a)\\1" });
    expect(decide([deny('"a".matches(jwt.pattern)')], ctx).allowed).toBe(true);
    expect(decide([allow('"a".matches(jwt.pattern)')], ctx).reason).toBe(
      "no allow rule matched (rule 1 failed: pattern (a)\\1 cannot run in linear time: backreferences (\\1))",
    );
  });

  it("reads RE2 syntax, which JavaScript's RegExp does not", () => {
    const ctx = context({ email: "Alice@Example.COM" });
    expect(decide([allow('jwt.email.matches("(?i)@example\\\\.com\\\\z")')], ctx).allowed).toBe(
      true,
    );
    expect(decide([allow('mcp.tool.name.matches("^e[a-z]+$")')], ctx).allowed).toBe(true);
    expect(decide([allow('mcp.tool.name.matches("^x")')], ctx).allowed).toBe(false);
  });
});

describe("agentgateway's MCP authorization guide", () => {
  // examples/mcp-authorization/config.yaml, with the tokens in test fixtures example1/example2.key
  const guide = compiled([
    allow('mcp.tool.name == "echo"'),
    allow('jwt.sub == "test-user" && mcp.tool.name == "get-sum"'),
    allow('mcp.tool.name == "get-env" && jwt.nested.key == "value"'),
  ]);
  const registered = {
    iss: "agentgateway.dev",
    aud: "test.agentgateway.dev",
    sub: "test-user",
    exp: 1900650294,
  };
  const example1 = {
    ...registered,
    field1: "value1",
    nested: { key: "value" },
    list: ["apple", "banana"],
  };
  const tools = ["echo", "get-sum", "get-env", "get-tiny-image"];

  /** What tools/list keeps: one context per request, only `mcp` changes per item. */
  function visibleTools(claims: Record<string, unknown>): string[] {
    const ctx = context(claims);
    return tools.filter((name) => {
      ctx.mcp = { tool: { name, target: "mcp2" } };
      return guide.decide(ctx).allowed;
    });
  }

  it.each<[string, Record<string, unknown>, string[]]>([
    ["no token", {}, ["echo"]],
    ["example2.key", registered, ["echo", "get-sum"]],
    ["example1.key", example1, ["echo", "get-sum", "get-env"]],
  ])("%s sees the documented tools", (_caller, claims, visible) => {
    expect(visibleTools(claims)).toEqual(visible);
  });

  it("says why a call was allowed or denied", () => {
    const ctx = context(example1, { mcp: { tool: { name: "get-env", target: "mcp2" } } });
    expect(guide.decide(ctx)).toEqual({
      allowed: true,
      reason: 'allowed by rule 3: mcp.tool.name == "get-env" && jwt.nested.key == "value"',
      ruleIndex: 2,
    });
    const anonymous = context({}, { mcp: { tool: { name: "get-sum", target: "mcp2" } } });
    expect(guide.decide(anonymous)).toEqual({
      allowed: false,
      reason: "no allow rule matched (rule 2 failed: No such key: sub)",
    });
  });
});

describe("a tool in a list, whose call's arguments are not known", () => {
  const listing = (rules: RuleSpec[], name = "read_file") =>
    compiled(rules).decideListing(
      context({}, { mcp: { tool: { name, target: "fs", arguments: ARGUMENTS_NOT_KNOWN } } }),
    );
  const underHome = 'mcp.tool.arguments.path.startsWith("/home/alice/")';
  const readFile = 'mcp.tool.name == "read_file"';

  it.each<[string, RuleSpec[], string, boolean, string]>([
    [
      "an allow rule on the arguments leaves its tool listed, for the call to decide",
      [allow(`${readFile} && ${underHome}`)],
      "read_file",
      true,
      "listed: rule 1 needs the call's arguments, so each call decides",
    ],
    [
      "it hides another tool, which it rejects by name alone",
      [allow(`${readFile} && ${underHome}`)],
      "write_file",
      false,
      "no allow rule matched",
    ],
    [
      "a deny rule on the arguments hides nothing",
      [deny(`${readFile} && mcp.tool.arguments.path == "/etc/passwd"`)],
      "read_file",
      true,
      "listed: rule 1 needs the call's arguments, so each call decides",
    ],
    [
      "a require rule on the arguments hides nothing",
      [require_(`!(${readFile}) || ${underHome}`)],
      "read_file",
      true,
      "listed: rule 1 needs the call's arguments, so each call decides",
    ],
    [
      "a deny rule that holds without them still hides",
      [deny(`${readFile} || mcp.tool.arguments.x == 1`)],
      "read_file",
      false,
      'denied by rule 1: mcp.tool.name == "read_file" || mcp.tool.arguments.x == 1',
    ],
    [
      "has() on them is not known either",
      [deny("!has(mcp.tool.arguments)")],
      "read_file",
      true,
      "listed: rule 1 needs the call's arguments, so each call decides",
    ],
    [
      "a rule that reads no argument fails as before: no token hides",
      [allow(`jwt.sub == "alice"`), allow(`${readFile} && ${underHome}`)],
      "write_file",
      false,
      "no allow rule matched (rule 1 failed: No such key: sub)",
    ],
  ])("%s", (_title, rules, name, allowed, reason) => {
    expect(listing(rules, name)).toMatchObject({ allowed, reason });
  });

  it("a call decides with its arguments, and a failing allow rule allows nothing", () => {
    const rules = compiled([allow(`${readFile} && ${underHome}`)]);
    const call = (args: Record<string, unknown>) =>
      rules.decide(
        context(
          {},
          { mcp: { tool: { name: "read_file", target: "fs", arguments: toCelValue(args) } } },
        ),
      );
    expect(call({ path: "/home/alice/a.txt" }).allowed).toBe(true);
    expect(call({ path: "/etc/passwd" }).allowed).toBe(false);
    expect(call({ path: 5 }).allowed).toBe(false);
    expect(call({}).allowed).toBe(false);
  });

  it("a call's arguments nested without end are refused before conversion recurses", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => toCelValue(deep, 64)).toThrow(RangeError);
  });
});
