import { useState } from "react";
import type { KeySummary } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { useToast } from "../../components/toast-context";
import { errorMessage, useAsync } from "../../hooks/use-async";
import { copyText } from "../../lib/clipboard";
import { downloadText } from "../../lib/download";
import { CreateKeyForm } from "./CreateKeyForm";
import { ImportKeyForm } from "./ImportKeyForm";
import { KeyRow } from "./KeyRow";
import "./KeysPage.css";

export function KeysPage() {
  const client = useUiClient();
  const toast = useToast();
  const keys = useAsync(() => client.listKeys(), [client]);
  const [deleting, setDeleting] = useState<KeySummary>();

  async function run(action: () => Promise<unknown>, success: string): Promise<void> {
    try {
      await action();
      toast(success);
      await keys.reload();
    } catch (caught) {
      toast(errorMessage(caught), "error");
    }
  }

  async function exportJwks(): Promise<void> {
    try {
      const jwks = await client.exportJwks();
      downloadText("jwks.json", jwks, "application/json");
      // The download is the result; the clipboard is a convenience that may be refused.
      await copyText(jwks).then(
        () => toast("JWKS copied to the clipboard and saved as jwks.json"),
        () => toast("JWKS saved as jwks.json"),
      );
    } catch (caught) {
      toast(errorMessage(caught), "error");
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Keys"
        description="Signing keys for the tokens Gatehouse mints. Private keys stay in the OS keychain; only public keys leave it."
        actions={
          <button
            type="button"
            className="button"
            onClick={() => void exportJwks()}
            disabled={!keys.data?.length}
          >
            Export JWKS
          </button>
        }
      />
      {keys.error && <ErrorNotice message={keys.error} onRetry={() => void keys.reload()} />}

      <div className="card">
        {!keys.data && !keys.error && <Skeleton lines={4} />}
        {keys.data?.length === 0 && (
          <EmptyState title="No keys yet: Create a signing key">
            <p>
              Tokens minted here are signed with it, and routes that trust the keystore accept them.
            </p>
          </EmptyState>
        )}
        {keys.data && keys.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Key id</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">State</th>
                  <th scope="col">Use</th>
                  <th scope="col">Created</th>
                  <th scope="col">Label</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <KeyRow
                    key={key.kid}
                    summary={key}
                    onRetire={() =>
                      void run(
                        () => client.retireKey(key.kid),
                        `Retired ${key.kid}: it no longer signs`,
                      )
                    }
                    onDelete={() => setDeleting(key)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <div className="key-forms">
        <CreateKeyForm
          onCreate={(alg, bits, label) =>
            run(() => client.createKey(alg, bits, label), `Created an ${alg} signing key`)
          }
        />
        <ImportKeyForm
          onImport={(material, label) =>
            run(() => client.importKey(material, label), "Imported the key")
          }
        />
      </div>

      {deleting && (
        <ConfirmDialog
          title="Delete this key?"
          confirmLabel="Delete key"
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const kid = deleting.kid;
            setDeleting(undefined);
            void run(() => client.deleteKey(kid), `Deleted ${kid}`);
          }}
        >
          <p>
            Key <code>{deleting.kid}</code> will be removed from the keystore
            {deleting.canSign ? " and its private key from the OS keychain" : ""}. Tokens signed
            with it will no longer verify on routes that trust the keystore. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
