import { diffLines } from "diff";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ConfigCheck, ConfigProblemInfo, KubernetesNote } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/toast-context";
import { ConfigChanges } from "../../editor/ConfigChanges";
import { YamlEditor } from "../../editor/YamlEditor";
import type { EditorProblem } from "../../editor/YamlEditor";
import { errorMessage, useAsync } from "../../hooks/use-async";
import { useDebouncedValue } from "../../hooks/use-debounced-value";
import { CheckState } from "./CheckState";
import { KubernetesExportDialog } from "./KubernetesExportDialog";
import { KubernetesImportButton } from "./KubernetesImportButton";
import { KubernetesNoteList } from "./KubernetesNoteList";
import { ProblemList } from "./ProblemList";
import "./ConfigPage.css";

const CHECK_DELAY_MS = 300;

/** The last import: what it was made from, and what it could not carry over. */
interface ImportReport {
  files: string[];
  notes: KubernetesNote[];
}

interface ApplyFailure {
  message: string;
  problems: ConfigProblemInfo[];
}

/** `revealLine`: a line to show and select when the config opens (a denial's deciding rule). */
export function ConfigPage({ revealLine }: { revealLine?: number }) {
  const client = useUiClient();
  const toast = useToast();
  const config = useAsync(() => client.readConfig(), [client]);
  const { setData: setRunningDocument } = config;
  const path = config.data?.path;
  const running = config.data?.text;
  const editable = config.data !== undefined && path !== undefined;

  const [edited, setEdited] = useState<string>();
  const [view, setView] = useState<"editor" | "changes">("editor");
  const [check, setCheck] = useState<ConfigCheck & { text: string }>();
  const [checkError, setCheckError] = useState<string>();
  const [applying, setApplying] = useState(false);
  const [applyFailure, setApplyFailure] = useState<ApplyFailure>();
  const [imported, setImported] = useState<ImportReport>();
  const [importError, setImportError] = useState<string>();
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    if (running !== undefined) setEdited((current) => current ?? running);
  }, [running]);

  const text = edited ?? running ?? "";
  const textToCheck = useDebouncedValue(text, CHECK_DELAY_MS);

  useEffect(() => {
    if (!editable || check?.text === textToCheck) return;
    let stale = false;
    client.checkConfig(textToCheck).then(
      (result) => {
        if (stale) return;
        setCheck({ ...result, text: textToCheck });
        setCheckError(undefined);
      },
      (caught: unknown) => !stale && setCheckError(errorMessage(caught)),
    );
    return () => {
      stale = true;
    };
  }, [client, editable, textToCheck, check?.text]);

  const changed = running !== undefined && text !== running;
  const problems = check?.problems ?? [];
  const warnings = check?.warnings ?? [];
  const checking = editable && check?.text !== text;
  const canApply = editable && changed && problems.length === 0 && !applying;

  const editorProblems = useMemo<EditorProblem[]>(
    () => [
      ...problems.map((problem) => ({ ...problem, severity: "error" as const })),
      ...warnings.map((warning) => ({ ...warning, severity: "warning" as const })),
    ],
    [problems, warnings],
  );

  const changeCount = useMemo(() => {
    if (!changed) return undefined;
    let added = 0;
    let removed = 0;
    for (const part of diffLines(running, text)) {
      if (part.added) added += part.count ?? 0;
      if (part.removed) removed += part.count ?? 0;
    }
    return { added, removed };
  }, [changed, running, text]);

  const apply = useCallback(async () => {
    if (!canApply) return;
    setApplying(true);
    setApplyFailure(undefined);
    try {
      const result = await client.applyConfig(text);
      if (result.applied) {
        toast("Applied: the gateway reloaded");
        setRunningDocument({ path, text });
        setCheck({ problems: [], warnings: result.warnings, text });
      } else {
        setApplyFailure({ message: result.message, problems: result.problems });
      }
    } catch (caught) {
      setApplyFailure({ message: errorMessage(caught), problems: [] });
    } finally {
      setApplying(false);
    }
  }, [canApply, client, path, setRunningDocument, text, toast]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
        event.preventDefault();
        void apply();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [apply]);

  return (
    <div className="page config-page">
      <PageHeader
        title="Config"
        description={path ?? "The gateway's running configuration."}
        actions={
          config.data && (
            <>
              <KubernetesImportButton
                disabled={!editable || applying}
                onImported={(result, files) => {
                  // An unsaved edit like any other: checked as it stands, written only by Apply.
                  setEdited(result.config);
                  setView("editor");
                  setApplyFailure(undefined);
                  setImportError(undefined);
                  setImported({ files, notes: result.notes });
                  toast("Imported into the editor: review it, then Apply");
                }}
                onError={(message) => {
                  setImported(undefined);
                  setImportError(message);
                }}
              />
              <button type="button" className="button" onClick={() => setExporting(true)}>
                Export to Kubernetes
              </button>
              {editable && (
                <>
                  <button
                    type="button"
                    className="button"
                    disabled={!changed || applying}
                    onClick={() => {
                      setEdited(running);
                      setApplyFailure(undefined);
                      setImported(undefined);
                    }}
                  >
                    Revert
                  </button>
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={!canApply}
                    onClick={() => void apply()}
                    title="Validate, write the file and reload (Ctrl/Cmd+S)"
                  >
                    {applying && <Spinner label="Applying" />}
                    Apply
                  </button>
                </>
              )}
            </>
          )
        }
      />

      {config.error && <ErrorNotice message={config.error} onRetry={() => void config.reload()} />}
      {config.data && !editable && (
        <div className="notice notice-info">
          This is the embedded default config: Gatehouse runs it when started without a config file,
          and it cannot be edited here. To change it, create a file with <code>gatehouse init</code>{" "}
          and start with <code>gatehouse -f config.yaml</code>.
        </div>
      )}
      {applyFailure && (
        <div className="notice notice-danger" role="alert">
          <strong>Not applied, nothing changed:</strong> {applyFailure.message}
          {applyFailure.problems.length > 0 && (
            <ProblemList problems={applyFailure.problems} warnings={[]} />
          )}
        </div>
      )}

      {importError && (
        <ErrorNotice message={`Not imported, the editor is unchanged: ${importError}`} />
      )}
      {imported && (
        <section className="card" aria-labelledby="import-notes-title">
          <div className="card-header">
            <h2 id="import-notes-title">Imported from {imported.files.join(", ")}</h2>
            <button
              type="button"
              className="button button-small"
              onClick={() => setImported(undefined)}
            >
              Dismiss
            </button>
          </div>
          <div className="card-body">
            <KubernetesNoteList notes={imported.notes} complete="Imported completely" />
          </div>
        </section>
      )}

      {!config.data && !config.error && <Skeleton lines={8} />}
      {config.data && (
        <div className="card config-card">
          <div className="card-header">
            <div className="segmented" role="group" aria-label="View">
              <button
                type="button"
                aria-pressed={view === "editor"}
                onClick={() => setView("editor")}
              >
                Editor
              </button>
              <button
                type="button"
                aria-pressed={view === "changes"}
                onClick={() => setView("changes")}
                disabled={!editable}
              >
                Changes
                {changeCount && (
                  <span className="change-count">
                    <span className="change-added">+{changeCount.added}</span>{" "}
                    <span className="change-removed">−{changeCount.removed}</span>
                  </span>
                )}
              </button>
            </div>
            <CheckState
              editable={editable}
              checking={checking}
              checkError={checkError}
              problems={problems.length}
              warnings={warnings.length}
            />
          </div>
          <div className="config-editor-frame">
            {/* Hidden, not unmounted: the editor keeps its undo history and cursor. */}
            <div className="config-editor-pane" hidden={view !== "editor"}>
              <YamlEditor
                value={text}
                onChange={setEdited}
                readOnly={!editable}
                problems={editorProblems}
                label="Config YAML"
                revealLine={revealLine}
              />
            </div>
            {view === "changes" &&
              (changed ? (
                <ConfigChanges running={running} edited={text} />
              ) : (
                <p className="card-body muted">No changes: the editor holds the running config.</p>
              ))}
          </div>
        </div>
      )}

      {editable && (problems.length > 0 || warnings.length > 0) && (
        <section className="card card-body" aria-label="Problems">
          <ProblemList problems={problems} warnings={warnings} />
        </section>
      )}

      {exporting && <KubernetesExportDialog onClose={() => setExporting(false)} />}
    </div>
  );
}
