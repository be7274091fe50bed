import type { KubernetesNote } from "../../../../shared/ui-api";
import { EmptyState } from "../../components/EmptyState";

interface KubernetesNoteListProps {
  notes: KubernetesNote[];
  /** Said when nothing was left out, e.g. "Imported completely". */
  complete: string;
}

/** What a translation left to do (TODOs first, each with where it came from), then what it says. */
export function KubernetesNoteList({ notes, complete }: KubernetesNoteListProps) {
  const todos = notes.filter((note) => note.todo);
  const ordered = [...todos, ...notes.filter((note) => !note.todo)];
  return (
    <div className="stack" data-testid="kubernetes-notes">
      {todos.length === 0 && (
        <EmptyState title={complete}>
          <p>Nothing was left out: there is no TODO.</p>
        </EmptyState>
      )}
      {ordered.length > 0 && (
        <ul className="problem-list">
          {ordered.map((note, index) => (
            <li key={index} className="problem kubernetes-note">
              <span className={`badge ${note.todo ? "badge-warn" : "badge-info"}`}>
                {note.todo ? "TODO" : "note"}
              </span>
              <span className="kubernetes-note-text">
                {note.message}
                <code className="problem-position">{note.where}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
