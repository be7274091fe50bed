import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags } from "@lezer/highlight";

/**
 * Colours come from theme.css variables, so one editor theme follows the app's light/dark
 * switch without rebuilding any editor.
 */
const chrome = EditorView.theme({
  "&": {
    height: "100%",
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    fontSize: "13px",
  },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "1.55" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-cursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused": { outline: "none" },
  ".cm-gutters": {
    backgroundColor: "var(--surface-2)",
    color: "var(--text-faint)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--accent-soft)", color: "var(--text)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "color-mix(in srgb, var(--accent) 28%, transparent) !important",
  },
  ".cm-tooltip": {
    border: "1px solid var(--border)",
    backgroundColor: "var(--surface)",
    color: "var(--text)",
  },
  ".cm-diagnostic": { fontFamily: "var(--font-sans)", fontSize: "12px" },
  // The merge view's own colours assume a light editor.
  ".cm-collapsedLines": {
    background: "var(--surface-2)",
    color: "var(--text-muted)",
    fontFamily: "var(--font-sans)",
  },
  ".cm-changedLine": { backgroundColor: "color-mix(in srgb, var(--ok) 12%, transparent)" },
  ".cm-deletedChunk": { backgroundColor: "color-mix(in srgb, var(--danger) 12%, transparent)" },
});

const yamlHighlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--syntax-key)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syntax-string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--syntax-number)" },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: "var(--syntax-keyword)" },
  { tag: [tags.comment, tags.lineComment], color: "var(--syntax-comment)", fontStyle: "italic" },
  {
    tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace],
    color: "var(--syntax-punct)",
  },
  { tag: tags.meta, color: "var(--syntax-keyword)" },
]);

export const editorTheme: Extension = [chrome, syntaxHighlighting(yamlHighlight)];
