import type { CodePointTest } from "./code-point-sets";
import { PatternError, type Assertion, type PatternNode } from "./pattern-parser";

/**
 * One step of a Thompson NFA. `char` consumes a code point and goes on at the next instruction;
 * the others consume nothing.
 */
export type Instruction =
  | { op: "char"; test: CodePointTest }
  | { op: "split"; next: number; alternative: number }
  | { op: "jump"; to: number }
  | { op: "assert"; assertion: Assertion }
  | { op: "match" };

/** Bounds the work per input character (and memory) whatever the pattern; `a{1000}` fits. */
export const MAX_INSTRUCTIONS = 2000;

/** Compiles a parsed pattern to instructions, expanding counted repetition (`a{2,4}` → aa(a(a)?)?). */
export function compileProgram(source: string, pattern: PatternNode): Instruction[] {
  const program: Instruction[] = [];

  const emit = <T extends Instruction>(instruction: T): T => {
    if (program.length >= MAX_INSTRUCTIONS) {
      throw new PatternError(`pattern ${source} is too large (over ${MAX_INSTRUCTIONS} steps)`);
    }
    program.push(instruction);
    return instruction;
  };

  const compile = (node: PatternNode): void => {
    switch (node.kind) {
      case "char":
        emit({ op: "char", test: node.test });
        return;
      case "assert":
        emit({ op: "assert", assertion: node.assertion });
        return;
      case "concat":
        node.items.forEach(compile);
        return;
      case "alternate": {
        const exits: { op: "jump"; to: number }[] = [];
        node.items.forEach((item, index) => {
          if (index === node.items.length - 1) return compile(item);
          const split = emit({ op: "split", next: program.length + 1, alternative: 0 });
          compile(item);
          exits.push(emit({ op: "jump", to: 0 }));
          split.alternative = program.length;
        });
        for (const exit of exits) exit.to = program.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) compile(node.item);
        if (node.max === Infinity) {
          const loopStart = program.length;
          const loop = emit({ op: "split", next: loopStart + 1, alternative: 0 });
          compile(node.item);
          emit({ op: "jump", to: loopStart });
          loop.alternative = program.length;
          return;
        }
        const skips: { alternative: number }[] = [];
        for (let i = node.min; i < node.max; i++) {
          skips.push(emit({ op: "split", next: program.length + 1, alternative: 0 }));
          compile(node.item);
        }
        for (const skip of skips) skip.alternative = program.length;
        return;
      }
    }
  };

  compile(pattern);
  emit({ op: "match" });
  return program;
}
