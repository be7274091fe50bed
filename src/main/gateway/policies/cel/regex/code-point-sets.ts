/** Whether one code point belongs to a set; a pattern step consumes exactly one code point. */
export type CodePointTest = (codePoint: number) => boolean;

/**
 * Ranges written as pairs of characters, first and last of each range: "09AZ" is [0-9A-Z].
 * The sets are RE2's, which are ASCII-only (`\d` is [0-9], not every Unicode digit).
 */
const PERL_CLASSES: Record<string, string> = {
  d: "09",
  s: "\t\n\f\r  ",
  w: "09AZ__az",
};

const POSIX_CLASSES: Record<string, string> = {
  alnum: "09AZaz",
  alpha: "AZaz",
  ascii: "\x00\x7f",
  blank: "\t\t  ",
  cntrl: "\x00\x1f\x7f\x7f",
  digit: "09",
  graph: "!~",
  lower: "az",
  print: " ~",
  punct: "!/:@[`{~",
  space: "\t\r  ",
  upper: "AZ",
  word: "09AZ__az",
  xdigit: "09AFaf",
};

/** Collects the members of a character class, then builds one test for all of them. */
export class CodePointSetBuilder {
  private readonly ranges: number[] = [];
  private readonly tests: CodePointTest[] = [];

  addRange(first: number, last: number): void {
    this.ranges.push(first, last);
  }

  addRanges(pairs: string): void {
    for (let i = 0; i < pairs.length; i += 2) {
      this.addRange(pairs.charCodeAt(i), pairs.charCodeAt(i + 1));
    }
  }

  addTest(test: CodePointTest): void {
    this.tests.push(test);
  }

  /** Case folding applies to the members before negation, as in RE2: `(?i)[^a]` excludes "A". */
  build(negated: boolean, caseInsensitive: boolean): CodePointTest {
    const { ranges, tests } = this;
    const contains: CodePointTest = (codePoint) => {
      for (let i = 0; i < ranges.length; i += 2) {
        if (codePoint >= (ranges[i] as number) && codePoint <= (ranges[i + 1] as number)) {
          return true;
        }
      }
      for (const test of tests) if (test(codePoint)) return true;
      return false;
    };
    const member = caseInsensitive ? foldCase(contains) : contains;
    return negated ? (codePoint) => !member(codePoint) : member;
  }
}

function otherCase(codePoint: number, upper: boolean): number {
  if (codePoint < 0x80) {
    if (upper) return codePoint >= 0x61 && codePoint <= 0x7a ? codePoint - 0x20 : codePoint;
    return codePoint >= 0x41 && codePoint <= 0x5a ? codePoint + 0x20 : codePoint;
  }
  const text = String.fromCodePoint(codePoint);
  const changed = upper ? text.toUpperCase() : text.toLowerCase();
  // Some characters change length when their case changes ("ß" → "SS"): no simple fold.
  const folded = changed.codePointAt(0) as number;
  return changed.length === text.length ? folded : codePoint;
}

/** Simple case folding: a code point matches when it or its other case is a member. */
function foldCase(contains: CodePointTest): CodePointTest {
  return (codePoint) =>
    contains(codePoint) ||
    contains(otherCase(codePoint, false)) ||
    contains(otherCase(codePoint, true));
}

/** A literal code point; with `(?i)`, its other case too. */
export function literalTest(codePoint: number, caseInsensitive: boolean): CodePointTest {
  const equals: CodePointTest = (candidate) => candidate === codePoint;
  return caseInsensitive ? foldCase(equals) : equals;
}

/** `\d \s \w` and their negations `\D \S \W`; undefined for any other letter. */
export function perlClassRanges(letter: string): { pairs: string; negated: boolean } | undefined {
  const pairs = PERL_CLASSES[letter.toLowerCase()];
  return pairs === undefined ? undefined : { pairs, negated: letter !== letter.toLowerCase() };
}

/** `[:alpha:]` and the other POSIX names inside brackets; undefined for an unknown name. */
export function posixClassRanges(name: string): string | undefined {
  return Object.hasOwn(POSIX_CLASSES, name) ? POSIX_CLASSES[name] : undefined;
}

/**
 * `\pL`, `\p{Greek}`: a Unicode general category or script, tested by the JavaScript engine on a
 * single code point (constant time, so the match stays linear). Undefined for an unknown name.
 */
export function unicodeClassTest(name: string): CodePointTest | undefined {
  // Only a plain name reaches the RegExp source, so a pattern cannot inject syntax here.
  if (!/^[A-Za-z_]+$/.test(name)) return undefined;
  for (const property of [name, `Script=${name}`]) {
    try {
      const single = new RegExp(`^\\p{${property}}$`, "u");
      return (codePoint) => single.test(String.fromCodePoint(codePoint));
    } catch {
      // Not a general category or binary property; try it as a script name.
    }
  }
  return undefined;
}
