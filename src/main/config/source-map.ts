import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where a key path is written in the YAML source. A path that does not exist (a missing
 * key) resolves to the nearest enclosing node that does, which is where the key must be added.
 */
export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: readonly PropertyKey[]): Position {
    let node = this.doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const segment of path) {
      const found = this.child(node, segment);
      if (!found) break;
      node = found.value;
      offset = found.offset;
    }
    return this.position(offset);
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  private child(
    node: Node | null,
    segment: PropertyKey,
  ): { value: Node | null; offset: number } | undefined {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
      );
      if (!pair) return undefined;
      const value = pair.value as Node | null;
      // Point at the value when there is one, else at the key.
      const offset = value?.range?.[0] ?? (pair.key as Node).range?.[0] ?? 0;
      return { value, offset };
    }
    if (isSeq(node) && typeof segment === "number") {
      const value = node.items[segment] as Node | undefined;
      return value?.range ? { value, offset: value.range[0] } : undefined;
    }
    return undefined;
  }

  /** Where the key itself is written (for "unknown key" problems). */
  keyAt(path: readonly PropertyKey[], key: string): Position {
    let node = this.doc.contents as Node | null;
    for (const segment of path) {
      const found = this.child(node, segment);
      if (!found) return this.at(path);
      node = found.value;
    }
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = (pair?.key as Node | undefined)?.range;
      if (range) return this.position(range[0]);
    }
    return this.at(path);
  }
}
