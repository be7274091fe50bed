import { describe, expect, it } from "vitest";
import { LinearRegex } from "../../src/main/gateway/policies/cel/regex/linear-regex";

const matches = (pattern: string, input: string) => LinearRegex.compile(pattern).test(input);

describe("LinearRegex: RE2 syntax", () => {
  it.each<[string, string, boolean]>([
    // Search, not a full match, as CEL's matches() specifies.
    ["b", "abc", true],
    ["^b", "abc", false],
    ["c$", "abc", true],
    ["^$", "", true],
    ["x*", "", true],
    ["a|b|c", "c", true],
    ["(?:ab|cd)+$", "abcdab", true],
    ["^ab??c$", "ac", true],
    ["^a{2,3}$", "aaa", true],
    ["^a{2,3}$", "aaaa", false],
    ["^a{2,}$", "aaaaa", true],
    ["^a{0}$", "", true],
    ["^\\d{3}-\\d{4}$", "555-1234", true],
    ["^\\d{3}-\\d{4}$", "555-12345", false],
    ["^([a-z0-9-]+\\.)*example\\.com$", "api.eu.example.com", true],
    ["^([a-z0-9-]+\\.)*example\\.com$", "example.org", false],
    // Classes: brackets, negation, POSIX, Perl (ASCII only, as in RE2), Unicode.
    ["[]a]", "]", true],
    ["[a-]", "-", true],
    ["[^a]", "a", false],
    ["^[[:alpha:]]+$", "abc", true],
    ["^[[:^digit:]]+$", "12", false],
    ["[\\d\\s]", " ", true],
    ["\\d", "٣", false],
    ["\\W", "_", false],
    ["\\pL", "é", true],
    ["\\p{Greek}", "α", true],
    ["\\P{Greek}", "α", false],
    ["\\p{^Greek}", "a", true],
    // Flags.
    ["(?i)admin", "ADMIN", true],
    ["(?i)[^a]", "A", false],
    ["(?i:a)b", "AB", false],
    ["(?i:a)b", "Ab", true],
    ["a(?i)b|c", "C", true],
    ["(?i)k", "\u212a", true],
    [".", "\n", false],
    ["(?s).", "\n", true],
    ["^b", "a\nb", false],
    ["(?m)^b$", "a\nb\nc", true],
    // Escapes, assertions, groups.
    ["\\Qa.b\\E", "axb", false],
    ["\\Qa.b\\E", "a.b", true],
    ["\\x41\\x{1F600}", "A😀", true],
    ["\\t\\n", "\t\n", true],
    ["\\Aab\\z", "ab", true],
    ["\\bfoo\\b", "a foo b", true],
    ["\\bfoo\\b", "afoob", false],
    ["\\Boo", "foo", true],
    ["\\Bfoo", "a foo", false],
    ["^(?P<first>a)(?<second>b)$", "ab", true],
    // Code points, not UTF-16 units.
    ["^.$", "😀", true],
    ["^😀+$", "😀😀", true],
    // Empty loops terminate.
    ["(a*)*", "b", true],
    ["(a*)+b", "aaab", true],
    ["(|a)+b", "aab", true],
  ])("%s on %j is %s", (pattern, input, expected) => {
    expect(matches(pattern, input)).toBe(expected);
  });
});

describe("LinearRegex: patterns it refuses", () => {
  it.each<[string, string]>([
    ["(a)\\1", "pattern (a)\\1 cannot run in linear time: backreferences (\\1)"],
    ["a(?=b)", "pattern a(?=b) cannot run in linear time: lookaround (?=, (?!, (?<=, (?<!"],
    ["(?<!a)b", "pattern (?<!a)b cannot run in linear time: lookaround (?=, (?!, (?<=, (?<!"],
    ["[a", "pattern [a is invalid: missing ]"],
    ["(a", "pattern (a is invalid: missing )"],
    ["a)", "pattern a) is invalid: unmatched )"],
    ["*a", "pattern *a is invalid: * has nothing to repeat"],
    ["{2}", "pattern {2} is invalid: {2} has nothing to repeat"],
    ["a**", "pattern a** is invalid: a repetition cannot repeat another repetition"],
    ["a{1001}", "pattern a{1001} is invalid: repeat count {1001} is larger than 1000"],
    ["a{3,2}", "pattern a{3,2} is invalid: repeat count {3,2} has its maximum below its minimum"],
    ["(a{1000}){3}", "pattern (a{1000}){3} is too large (over 2000 steps)"],
    ["[z-a]", "pattern [z-a] is invalid: invalid range in [...]"],
    ["\\k", "pattern \\k is invalid: unknown escape \\k"],
    ["\\", "pattern \\ is invalid: it ends with a lone \\"],
    ["\\p{Nope}", "pattern \\p{Nope} is invalid: unknown Unicode class \\p{Nope}"],
    ["\\p{L}|.)", "pattern \\p{L}|.) is invalid: unmatched )"],
    ["[[:nope:]]", "pattern [[:nope:]] is invalid: unknown class [:nope:]"],
    ["(?x)a", "pattern (?x)a is invalid: unknown group syntax after (?"],
  ])("%s", (pattern, message) => {
    expect(() => LinearRegex.compile(pattern)).toThrow(message);
  });
});

describe("LinearRegex: time linear in the input", () => {
  // Each of these takes exponential or high polynomial time in a backtracking engine.
  // No timing assertion: the test timeout is the guard.
  const input = "a".repeat(100_000) + "!";
  it.each(["(a+)+$", "(a|a)*b", "(a|aa)+$", "(a*)*b", "a*a*a*a*a*a*b", "(.*a){30}b"])(
    "%s",
    (pattern) => {
      expect(matches(pattern, input)).toBe(false);
    },
  );

  it("reuses its buffers across calls", () => {
    const regex = LinearRegex.compile("^(ab)+$");
    expect([regex.test("abab"), regex.test("aba"), regex.test("ab")]).toEqual([true, false, true]);
  });
});
