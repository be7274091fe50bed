import { Document, isMap, isScalar, type Node } from "yaml";
import { describeNote, type BridgeNote, type OutputPath } from "./bridge-notes";

/** A comment to write above a place in the output. */
export interface OutputComment {
  /** The document index, then the key path inside it; the header of the first when unset. */
  at?: OutputPath;
  text: string;
}

/**
 * The output of an import or export as a file to keep: a headline and the notes that only
 * inform at the top, and a `# TODO` above each place the input asked for something the output
 * does not do. `placeOf` gives where a note goes: its document index, then its key path.
 */
export function renderWithNotes(
  documents: readonly unknown[],
  notes: readonly BridgeNote[],
  headline: string,
  placeOf: (note: BridgeNote) => OutputPath | undefined,
): string {
  const header = [
    headline,
    ...notes.filter((note) => !note.todo).map((note) => `Note: ${describeNote(note)}`),
  ];
  const comments = notes
    .filter((note) => note.todo)
    .map((note) => ({ at: placeOf(note), text: `TODO: ${describeNote(note)}` }));
  return renderYaml(documents, comments, header);
}

/**
 * YAML documents with each comment above the key or list item it is about; a comment whose
 * place is not in the output goes above the nearest enclosing one that is.
 */
export function renderYaml(
  values: readonly unknown[],
  comments: readonly OutputComment[],
  header: readonly string[],
): string {
  const docs = values.map((value) => new Document(value, { aliasDuplicateObjects: false }));
  const headerLines = [...header];
  for (const comment of comments) {
    const [index, ...path] = comment.at ?? [];
    const doc = typeof index === "number" ? docs[index] : undefined;
    const node = doc && nodeAbove(doc, path);
    if (node) node.commentBefore = appendLine(node.commentBefore, comment.text);
    else headerLines.push(comment.text);
  }
  const first = docs[0];
  if (first && headerLines.length) first.commentBefore = headerLines.map((l) => ` ${l}`).join("\n");
  return docs.map((doc) => doc.toString({ lineWidth: 0 })).join("---\n");
}

/** The node a comment about `path` goes on: a key's scalar, a list item, or an ancestor's. */
function nodeAbove(doc: Document, path: OutputPath): Node | undefined {
  for (let length = path.length; length > 0; length--) {
    const parentPath = path.slice(0, length - 1);
    const last = path[length - 1];
    const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
    if (typeof last === "string" && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
      if (pair && isScalar(pair.key)) return pair.key;
    } else if (typeof last === "number") {
      const item = doc.getIn(path.slice(0, length), true) as Node | undefined;
      if (item && typeof item === "object") return item;
    }
  }
  return undefined;
}

function appendLine(existing: string | null | undefined, line: string): string {
  return existing ? `${existing}\n ${line}` : ` ${line}`;
}
