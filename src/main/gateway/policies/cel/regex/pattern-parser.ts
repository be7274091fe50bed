import {
  CodePointSetBuilder,
  literalTest,
  perlClassRanges,
  posixClassRanges,
  unicodeClassTest,
  type CodePointTest,
} from "./code-point-sets";

/** Zero-width conditions on the code points before and after the current position. */
export type Assertion =
  "lineStart" | "lineEnd" | "textStart" | "textEnd" | "wordBoundary" | "notWordBoundary";

export type PatternNode =
  | { kind: "char"; test: CodePointTest }
  | { kind: "assert"; assertion: Assertion }
  | { kind: "concat"; items: PatternNode[] }
  | { kind: "alternate"; items: PatternNode[] }
  /** `max` is Infinity for `*`, `+` and `{n,}`. */
  | { kind: "repeat"; item: PatternNode; min: number; max: number };

/** A pattern that cannot be used, with a message for a person. */
export class PatternError extends Error {}

interface Flags {
  caseInsensitive: boolean;
  multiLine: boolean;
  dotAll: boolean;
}

/** RE2 refuses larger counts too; they would also make the program too large. */
const MAX_REPEAT = 1000;
const REPEAT = /\{(\d+)(,(\d*))?\}/y;
const POSIX_CLASS = /\[:(\^?)([a-z]+):\]/y;
const GROUP_FLAGS = /([imsU]*)(?:-([imsU]+))?([:)])/y;
const GROUP_NAME = /(?:P?<)([A-Za-z0-9_]+)>/y;
const UNICODE_CLASS_NAME = /\{(\^?)([^}]*)\}|([A-Za-z])/y;
const HEX_ESCAPE = /\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2})/y;

const NEWLINE = 0x0a;

/** The flags that letters such as "is" turn on; U (ungreedy) changes no answer of matches(). */
function flagsIn(letters: string): Partial<Flags> {
  const flags: Partial<Flags> = {};
  if (letters.includes("i")) flags.caseInsensitive = true;
  if (letters.includes("m")) flags.multiLine = true;
  if (letters.includes("s")) flags.dotAll = true;
  return flags;
}

/**
 * Parses CEL's regular-expression syntax, which is RE2's: no backreferences and no lookaround,
 * the two features that cannot be matched in linear time. Everything else RE2 accepts that a
 * rule is likely to use is here: classes, `\pL`, `(?i)`, `{n,m}`, `\A`, `\z`, `\Q...\E`.
 */
export class PatternParser {
  private position = 0;

  private constructor(private readonly source: string) {}

  static parse(source: string): PatternNode {
    const parser = new PatternParser(source);
    const node = parser.alternation({ caseInsensitive: false, multiLine: false, dotAll: false });
    if (!parser.atEnd()) throw parser.error("unmatched )");
    return node;
  }

  private atEnd(): boolean {
    return this.position >= this.source.length;
  }

  private peek(): string {
    return this.source[this.position] ?? "";
  }

  private eat(text: string): boolean {
    if (!this.source.startsWith(text, this.position)) return false;
    this.position += text.length;
    return true;
  }

  /** The next whole code point, so a pattern can name characters outside the BMP. */
  private nextCodePoint(): number {
    const codePoint = this.source.codePointAt(this.position) as number;
    this.position += codePoint > 0xffff ? 2 : 1;
    return codePoint;
  }

  private sticky(expression: RegExp): RegExpExecArray | null {
    expression.lastIndex = this.position;
    const match = expression.exec(this.source);
    if (match) this.position += match[0].length;
    return match;
  }

  private error(problem: string): PatternError {
    return new PatternError(`pattern ${this.source} is invalid: ${problem}`);
  }

  private unsupported(feature: string): PatternError {
    return new PatternError(`pattern ${this.source} cannot run in linear time: ${feature}`);
  }

  /** `(?i)` lasts until the end of the group it appears in, across `|` too, as in RE2. */
  private alternation(outer: Flags): PatternNode {
    const flags = { ...outer };
    const branches = [this.concatenation(flags)];
    while (this.eat("|")) branches.push(this.concatenation(flags));
    return branches.length === 1
      ? (branches[0] as PatternNode)
      : { kind: "alternate", items: branches };
  }

  private concatenation(flags: Flags): PatternNode {
    const items: PatternNode[] = [];
    while (!this.atEnd() && this.peek() !== "|" && this.peek() !== ")") {
      const atom = this.atom(flags);
      if (atom) items.push(this.repetition(atom));
    }
    return items.length === 1 ? (items[0] as PatternNode) : { kind: "concat", items };
  }

  private repetition(item: PatternNode): PatternNode {
    const bounds = this.repeatBounds();
    if (!bounds) return item;
    // A trailing "?" asks for the shortest match; matches() only asks whether there is one.
    this.eat("?");
    if (this.repeatBounds()) throw this.error("a repetition cannot repeat another repetition");
    return { kind: "repeat", item, ...bounds };
  }

  private repeatBounds(): { min: number; max: number } | undefined {
    if (this.eat("*")) return { min: 0, max: Infinity };
    if (this.eat("+")) return { min: 1, max: Infinity };
    if (this.eat("?")) return { min: 0, max: 1 };
    const start = this.position;
    const match = this.sticky(REPEAT);
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] ? Number(match[3]) : Infinity;
    const written = this.source.slice(start, this.position);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
      throw this.error(`repeat count ${written} is larger than ${MAX_REPEAT}`);
    }
    if (max < min) throw this.error(`repeat count ${written} has its maximum below its minimum`);
    return { min, max };
  }

  /** One item of a sequence, or undefined for `(?i)`, which changes flags and matches nothing. */
  private atom(flags: Flags): PatternNode | undefined {
    const character = this.peek();
    switch (character) {
      case "(":
        this.position++;
        return this.group(flags);
      case "[":
        this.position++;
        return this.bracketClass(flags);
      case ".":
        this.position++;
        return { kind: "char", test: flags.dotAll ? () => true : (c) => c !== NEWLINE };
      case "^":
        this.position++;
        return { kind: "assert", assertion: flags.multiLine ? "lineStart" : "textStart" };
      case "$":
        this.position++;
        return { kind: "assert", assertion: flags.multiLine ? "lineEnd" : "textEnd" };
      case "\\":
        this.position++;
        return this.escape(flags);
      case "*":
      case "+":
      case "?":
        throw this.error(`${character} has nothing to repeat`);
    }
    const start = this.position;
    if (this.repeatBounds()) {
      throw this.error(`${this.source.slice(start, this.position)} has nothing to repeat`);
    }
    return { kind: "char", test: literalTest(this.nextCodePoint(), flags.caseInsensitive) };
  }

  private group(flags: Flags): PatternNode | undefined {
    if (!this.eat("?")) return this.groupBody(flags);
    if (this.eat(":") || this.sticky(GROUP_NAME)) return this.groupBody(flags);
    if (
      ["=", "!", "<=", "<!"].some((lookaround) => this.source.startsWith(lookaround, this.position))
    ) {
      throw this.unsupported("lookaround (?=, (?!, (?<=, (?<!");
    }
    const match = this.sticky(GROUP_FLAGS);
    if (!match || (match[1] === "" && match[2] === undefined)) {
      throw this.error("unknown group syntax after (?");
    }
    const changed: Flags = { ...flags, ...flagsIn(match[1] as string) };
    for (const key of Object.keys(flagsIn(match[2] ?? "")) as (keyof Flags)[]) {
      changed[key] = false;
    }
    if (match[3] === ":") return this.groupBody(changed);
    Object.assign(flags, changed);
    return undefined;
  }

  private groupBody(flags: Flags): PatternNode {
    const inner = this.alternation(flags);
    if (!this.eat(")")) throw this.error("missing )");
    return inner;
  }

  private escape(flags: Flags): PatternNode {
    if (this.atEnd()) throw this.error("it ends with a lone \\");
    const letter = this.peek();
    switch (letter) {
      case "A":
      case "z":
      case "b":
      case "B":
        this.position++;
        return { kind: "assert", assertion: ESCAPED_ASSERTIONS[letter] as Assertion };
      case "Q":
        this.position++;
        return this.quotedLiteral(flags);
    }
    const set = this.classEscape();
    if (set) return { kind: "char", test: set.build(false, false) };
    return { kind: "char", test: literalTest(this.escapedCodePoint(), flags.caseInsensitive) };
  }

  /** `\Q...\E`: everything up to `\E` (or the end) is literal text. */
  private quotedLiteral(flags: Flags): PatternNode {
    const end = this.source.indexOf("\\E", this.position);
    const text = this.source.slice(this.position, end === -1 ? undefined : end);
    this.position = end === -1 ? this.source.length : end + 2;
    const items: PatternNode[] = [];
    for (const character of text) {
      const codePoint = character.codePointAt(0) as number;
      items.push({ kind: "char", test: literalTest(codePoint, flags.caseInsensitive) });
    }
    return { kind: "concat", items };
  }

  /** `\d \s \w \D \S \W \pL \p{Name} \PL \P{Name}`, or undefined when the escape is not a class. */
  private classEscape(): CodePointSetBuilder | undefined {
    const letter = this.peek();
    const perl = perlClassRanges(letter);
    const set = new CodePointSetBuilder();
    if (perl) {
      this.position++;
      set.addRanges(perl.pairs);
      return perl.negated ? negation(set) : set;
    }
    if (letter !== "p" && letter !== "P") return undefined;
    this.position++;
    const match = this.sticky(UNICODE_CLASS_NAME);
    const name = match?.[2] ?? match?.[3] ?? "";
    const test = unicodeClassTest(name);
    if (!test) throw this.error(`unknown Unicode class \\${letter}{${name}}`);
    set.addTest(test);
    const negated = (letter === "P") !== (match?.[1] === "^");
    return negated ? negation(set) : set;
  }

  /** A single character written as an escape: `\n`, `\x41`, `\x{1F600}`, `\.`. */
  private escapedCodePoint(): number {
    const letter = this.peek();
    if (/[1-9]/.test(letter)) throw this.unsupported(`backreferences (\\${letter})`);
    this.position++;
    const control = CONTROL_ESCAPES[letter];
    if (control !== undefined) return control;
    if (letter === "x") {
      const match = this.sticky(HEX_ESCAPE);
      const codePoint = match ? parseInt((match[1] ?? match[2]) as string, 16) : NaN;
      if (!(codePoint <= 0x10ffff)) throw this.error("\\x needs two hex digits or {hex}");
      return codePoint;
    }
    // Punctuation escapes to itself; RE2 reserves the other letters and digits.
    if (/^[!-/:-@[-`{-~]$/.test(letter)) return letter.charCodeAt(0);
    throw this.error(`unknown escape \\${letter}`);
  }

  /** `[...]`, after its "[". A "]" right after "[" or "[^" is literal, as in RE2. */
  private bracketClass(flags: Flags): PatternNode {
    const negated = this.eat("^");
    const set = new CodePointSetBuilder();
    let first = true;
    while (first || !this.eat("]")) {
      if (this.atEnd()) throw this.error("missing ]");
      first = false;
      const posix = this.sticky(POSIX_CLASS);
      if (posix) {
        const pairs = posixClassRanges(posix[2] as string);
        if (pairs === undefined) throw this.error(`unknown class [:${posix[2]}:]`);
        const member = new CodePointSetBuilder();
        member.addRanges(pairs);
        set.addTest(member.build(posix[1] === "^", false));
        continue;
      }
      const low = this.classMember();
      if (typeof low !== "number") {
        set.addTest(low.build(false, false));
        continue;
      }
      const next = this.source[this.position + 1];
      if (this.peek() !== "-" || next === undefined || next === "]") {
        set.addRange(low, low);
        continue;
      }
      this.position++;
      const high = this.classMember();
      if (typeof high !== "number" || high < low) throw this.error("invalid range in [...]");
      set.addRange(low, high);
    }
    return { kind: "char", test: set.build(negated, flags.caseInsensitive) };
  }

  private classMember(): number | CodePointSetBuilder {
    if (!this.eat("\\")) return this.nextCodePoint();
    if (this.atEnd()) throw this.error("missing ]");
    return this.classEscape() ?? this.escapedCodePoint();
  }
}

const ESCAPED_ASSERTIONS: Record<string, Assertion> = {
  A: "textStart",
  z: "textEnd",
  b: "wordBoundary",
  B: "notWordBoundary",
};

const CONTROL_ESCAPES: Record<string, number> = {
  a: 0x07,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

function negation(set: CodePointSetBuilder): CodePointSetBuilder {
  const negated = new CodePointSetBuilder();
  negated.addTest(set.build(true, false));
  return negated;
}
