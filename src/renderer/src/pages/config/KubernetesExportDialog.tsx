import { useEffect, useRef, useState } from "react";
import type { KubernetesExportResult } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Spinner } from "../../components/Spinner";
import { TextField } from "../../components/TextField";
import { useToast } from "../../components/toast-context";
import { errorMessage } from "../../hooks/use-async";
import { useDebouncedValue } from "../../hooks/use-debounced-value";
import { downloadText } from "../../lib/download";
import { KubernetesNoteList } from "./KubernetesNoteList";
// The confirm dialog's frame and backdrop, made wider for the YAML in ConfigPage.css.
import "../../components/ConfirmDialog.css";

const EXPORT_FILE = "gatehouse-k8s.yaml";
const RETYPE_DELAY_MS = 300;

/**
 * The config the gateway serves, as agentgateway Kubernetes resources, made again as the
 * namespace or Gateway name changes. A modal <dialog>: the browser traps focus, Escape closes.
 */
export function KubernetesExportDialog({ onClose }: { onClose: () => void }) {
  const client = useUiClient();
  const toast = useToast();
  const dialog = useRef<HTMLDialogElement>(null);
  const [namespace, setNamespace] = useState("default");
  const [gateway, setGateway] = useState("gatehouse");
  const wantedNamespace = useDebouncedValue(namespace.trim(), RETYPE_DELAY_MS);
  const wantedGateway = useDebouncedValue(gateway.trim(), RETYPE_DELAY_MS);
  const wanted = `${wantedNamespace}/${wantedGateway}`;
  const [exported, setExported] = useState<KubernetesExportResult & { for: string }>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  useEffect(() => {
    let stale = false;
    setError(undefined);
    // An empty field asks for the default, as `gatehouse export k8s` without the option does.
    client.exportKubernetes(wantedNamespace || null, wantedGateway || null).then(
      (result) => !stale && setExported({ ...result, for: `${wantedNamespace}/${wantedGateway}` }),
      (caught: unknown) => !stale && setError(errorMessage(caught)),
    );
    return () => {
      stale = true;
    };
  }, [client, wantedNamespace, wantedGateway]);

  const current = exported?.for === wanted ? exported : undefined;
  const loading = !current && !error;

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog export-dialog"
      aria-labelledby="export-dialog-title"
      onCancel={onClose}
    >
      <h2 id="export-dialog-title">Export to Kubernetes</h2>
      <p className="muted small">
        The config the gateway serves now, as agentgateway resources for{" "}
        <code>kubectl apply -f {EXPORT_FILE}</code>. Each <code># TODO</code> marks something it
        could not carry over.
      </p>
      <div className="export-names">
        <TextField label="Namespace" value={namespace} onChange={setNamespace} />
        <TextField label="Gateway name" value={gateway} onChange={setGateway} />
      </div>
      {error && <ErrorNotice message={error} />}
      {loading && (
        <p className="muted small export-loading">
          <Spinner label="Exporting" /> Making the resources…
        </p>
      )}
      {current && (
        <>
          <pre className="json-block export-yaml" aria-label="Kubernetes resources" tabIndex={0}>
            {current.yaml}
          </pre>
          <KubernetesNoteList notes={current.notes} complete="Exported completely" />
        </>
      )}
      <div className="button-row confirm-dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        {current && <CopyButton text={current.yaml} what="the resources" />}
        <button
          type="button"
          className="button button-primary"
          disabled={!current}
          onClick={() => {
            if (!current) return;
            downloadText(EXPORT_FILE, current.yaml, "application/yaml");
            toast(`Saved as ${EXPORT_FILE}`);
          }}
        >
          Download
        </button>
      </div>
    </dialog>
  );
}
