import type { Assertion } from "./pattern-parser";
import { PatternParser } from "./pattern-parser";
import { compileProgram, type Instruction } from "./program";

const NONE = -1;
const MATCHED = -1;

function isWordCharacter(codePoint: number): boolean {
  return (
    (codePoint >= 0x30 && codePoint <= 0x39) ||
    (codePoint >= 0x41 && codePoint <= 0x5a) ||
    (codePoint >= 0x61 && codePoint <= 0x7a) ||
    codePoint === 0x5f
  );
}

/** Whether an assertion holds between `before` and `after` (NONE at either end of the text). */
function holds(assertion: Assertion, before: number, after: number): boolean {
  switch (assertion) {
    case "textStart":
      return before === NONE;
    case "textEnd":
      return after === NONE;
    case "lineStart":
      return before === NONE || before === 0x0a;
    case "lineEnd":
      return after === NONE || after === 0x0a;
    case "wordBoundary":
      return isWordCharacter(before) !== isWordCharacter(after);
    case "notWordBoundary":
      return isWordCharacter(before) === isWordCharacter(after);
  }
}

/**
 * A regular expression matched by simulating its NFA over all states at once (Thompson's
 * construction, as in RE2): time is O(pattern × input) whatever the pattern, so no pattern can
 * backtrack for ever. JavaScript's own RegExp backtracks: `(a+)+$` takes exponential time.
 */
export class LinearRegex {
  /** Work lists and visit marks, reused by every test(): matching allocates nothing. */
  private current: Int32Array;
  private next: Int32Array;
  private readonly stack: Int32Array;
  private readonly marks: Uint32Array;
  private generation = 0;

  private constructor(private readonly program: Instruction[]) {
    this.current = new Int32Array(program.length);
    this.next = new Int32Array(program.length);
    // Each instruction is expanded at most once per position and pushes at most two others.
    this.stack = new Int32Array(program.length * 2 + 1);
    this.marks = new Uint32Array(program.length);
  }

  /** Throws PatternError, whose message names the pattern and the problem. */
  static compile(pattern: string): LinearRegex {
    return new LinearRegex(compileProgram(pattern, PatternParser.parse(pattern)));
  }

  /** Whether the pattern matches anywhere in the input (CEL `matches` is not anchored). */
  test(input: string): boolean {
    this.marks.fill(0);
    this.generation = 1;
    let size = 0;
    let before = NONE;
    let position = 0;
    let codePoint = input.length > 0 ? (input.codePointAt(0) as number) : NONE;
    for (;;) {
      // A match may start at every position: add the start state beside the running ones.
      size = this.follow(0, this.current, size, before, codePoint);
      if (size === MATCHED) return true;
      if (codePoint === NONE) return false;

      position += codePoint > 0xffff ? 2 : 1;
      const after = position < input.length ? (input.codePointAt(position) as number) : NONE;
      this.generation++;
      let nextSize = 0;
      for (let i = 0; i < size; i++) {
        const at = this.current[i] as number;
        const instruction = this.program[at] as Extract<Instruction, { op: "char" }>;
        if (!instruction.test(codePoint)) continue;
        nextSize = this.follow(at + 1, this.next, nextSize, codePoint, after);
        if (nextSize === MATCHED) return true;
      }
      const swap = this.current;
      this.current = this.next;
      this.next = swap;
      size = nextSize;
      before = codePoint;
      codePoint = after;
    }
  }

  /**
   * Adds `start` and every state it reaches without consuming input to `list` (only `char`
   * states wait there for the next code point). Returns the list's new size, or MATCHED.
   */
  private follow(start: number, list: Int32Array, size: number, before: number, after: number) {
    const { program, stack, marks, generation } = this;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const at = stack[--top] as number;
      if (marks[at] === generation) continue;
      marks[at] = generation;
      const instruction = program[at] as Instruction;
      switch (instruction.op) {
        case "char":
          list[size++] = at;
          break;
        case "match":
          return MATCHED;
        case "jump":
          stack[top++] = instruction.to;
          break;
        case "split":
          stack[top++] = instruction.alternative;
          stack[top++] = instruction.next;
          break;
        case "assert":
          if (holds(instruction.assertion, before, after)) stack[top++] = at + 1;
          break;
      }
    }
    return size;
  }
}
