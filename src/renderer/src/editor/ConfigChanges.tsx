import { yaml } from "@codemirror/lang-yaml";
import { unifiedMergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { editorTheme } from "./editor-theme";

interface ConfigChangesProps {
  running: string;
  edited: string;
}

/** The edited text against the running one, one column, deletions inline (read-only). */
export function ConfigChanges({ running, edited }: ConfigChangesProps) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const view = new EditorView({
      parent: host.current as HTMLDivElement,
      state: EditorState.create({
        doc: edited,
        extensions: [
          lineNumbers(),
          yaml(),
          editorTheme,
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.contentAttributes.of({ "aria-label": "Changes against the running config" }),
          unifiedMergeView({
            original: running,
            mergeControls: false,
            collapseUnchanged: { margin: 3, minSize: 6 },
          }),
        ],
      }),
    });
    return () => view.destroy();
  }, [running, edited]);

  return <div ref={host} className="yaml-editor" />;
}
