import { useState } from "react";
import type { IdentitySummary } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { useToast } from "../../components/toast-context";
import { errorMessage, useAsync } from "../../hooks/use-async";
import { DecodeTokenCard } from "./DecodeTokenCard";
import { IdentityEditor } from "./IdentityEditor";
import { MintTokenCard } from "./MintTokenCard";
import "./TokensPage.css";

/** `undefined`: nothing selected; `null`: a new identity being written. */
type Selection = string | null | undefined;

export function TokensPage() {
  const client = useUiClient();
  const toast = useToast();
  const identities = useAsync(() => client.listIdentities(), [client]);
  const [selected, setSelected] = useState<Selection>();

  const editing =
    selected === null ? null : identities.data?.find((identity) => identity.name === selected);

  async function save(identity: IdentitySummary): Promise<void> {
    try {
      const saved = await client.saveIdentity(identity);
      toast(`Saved identity ${saved.name}`);
      await identities.reload();
      setSelected(saved.name);
    } catch (caught) {
      toast(errorMessage(caught), "error");
    }
  }

  async function remove(name: string): Promise<void> {
    try {
      await client.removeIdentity(name);
      toast(`Removed identity ${name}`);
      setSelected(undefined);
      await identities.reload();
    } catch (caught) {
      toast(errorMessage(caught), "error");
    }
  }

  return (
    <div className="page">
      <PageHeader
        title="Tokens"
        description="Identities are saved claim sets; mint a signed token for one, or check any token against the routes."
      />
      {identities.error && (
        <ErrorNotice message={identities.error} onRetry={() => void identities.reload()} />
      )}

      <div className="identities card">
        <div className="identity-list">
          <div className="identity-list-header">
            <h2>Identities</h2>
            <button type="button" className="button button-small" onClick={() => setSelected(null)}>
              New identity
            </button>
          </div>
          {!identities.data && !identities.error && <Skeleton lines={3} />}
          <ul className="pick-list">
            {identities.data?.map((identity) => (
              <li key={identity.name}>
                <button
                  type="button"
                  aria-current={identity.name === selected ? "true" : undefined}
                  onClick={() => setSelected(identity.name)}
                >
                  <span className="identity-name">{identity.name}</span>
                  <span className="identity-sub muted">
                    {String(identity.claims.sub ?? "no sub")}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="identity-editor">
          {editing !== undefined ? (
            <IdentityEditor
              key={editing?.name ?? "new"}
              identity={editing}
              onSave={save}
              onRemove={remove}
            />
          ) : identities.data?.length === 0 ? (
            <EmptyState title="No identities yet">
              <p>An identity is a name for a set of claims, e.g. alice with role: admin.</p>
              <button
                type="button"
                className="button button-primary"
                onClick={() => setSelected(null)}
              >
                Create an identity
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="Pick an identity to edit it">
              <p>Or create a new one.</p>
            </EmptyState>
          )}
        </div>
      </div>

      <MintTokenCard identities={identities.data ?? []} />
      <DecodeTokenCard />
    </div>
  );
}
