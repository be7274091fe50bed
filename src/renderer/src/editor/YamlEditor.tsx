import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import type { Diagnostic } from "@codemirror/lint";
import { Compartment, EditorState } from "@codemirror/state";
import type { Text } from "@codemirror/state";
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { ConfigProblemInfo } from "../../../shared/ui-api";
import { editorTheme } from "./editor-theme";

export interface EditorProblem extends ConfigProblemInfo {
  severity: "error" | "warning";
}

interface YamlEditorProps {
  value: string;
  onChange: (text: string) => void;
  readOnly: boolean;
  problems: EditorProblem[];
  label: string;
  /** A line (from 1) to select and scroll to once the text has it. */
  revealLine?: number;
}

/** CodeMirror owns the text while the user types; React only pushes in outside changes. */
export function YamlEditor({
  value,
  onChange,
  readOnly,
  problems,
  label,
  revealLine,
}: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const readOnlyCompartment = useRef(new Compartment());

  useEffect(() => {
    const created = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          highlightActiveLineGutter(),
          EditorState.tabSize.of(2),
          yaml(),
          lintGutter(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          editorTheme,
          readOnlyCompartment.current.of(readOnlyExtensions(readOnly)),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => created.destroy();
    // The editor is built once; the effects below keep it in step with the props.
  }, []);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: readOnlyCompartment.current.reconfigure(readOnlyExtensions(readOnly)),
    });
  }, [readOnly]);

  // Once: the text arrives after the editor is made, and later edits must not jump back.
  const revealed = useRef(false);
  useEffect(() => {
    const current = view.current;
    if (!current || revealed.current || revealLine === undefined) return;
    if (value === "" || current.state.doc.lines < revealLine) return;
    revealed.current = true;
    const line = current.state.doc.line(revealLine);
    current.dispatch({
      selection: { anchor: line.from, head: line.to },
      effects: EditorView.scrollIntoView(line.from, { y: "center" }),
    });
    current.focus();
  }, [value, revealLine]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const diagnostics = problems.map((problem) => toDiagnostic(current.state.doc, problem));
    current.dispatch(setDiagnostics(current.state, diagnostics));
  }, [problems]);

  return <div ref={host} className="yaml-editor" />;
}

function readOnlyExtensions(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

/** Problems point at line:col (1-based); a diagnostic covers the rest of that line. */
function toDiagnostic(doc: Text, problem: EditorProblem): Diagnostic {
  const line = doc.line(Math.min(Math.max(problem.line, 1), doc.lines));
  const from = Math.min(line.from + Math.max(problem.col - 1, 0), line.to);
  return {
    from,
    to: Math.max(from, line.to),
    severity: problem.severity,
    message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
  };
}
