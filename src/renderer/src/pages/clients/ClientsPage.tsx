import { useId, useState } from "react";
import { useUiClient } from "../../api/ui-client-context";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PageHeader } from "../../components/PageHeader";
import { Skeleton } from "../../components/Skeleton";
import { useAsync } from "../../hooks/use-async";
import { formatDateTime, formatExpiry } from "../../lib/format";
import { ClientInstallCard } from "./ClientInstallCard";
import { ClientSnippetCard } from "./ClientSnippetCard";
import "./ClientsPage.css";

export function ClientsPage() {
  const client = useUiClient();
  const id = useId();
  const identities = useAsync(() => client.listIdentities(), [client]);
  const [identity, setIdentity] = useState("");
  const setup = useAsync(() => client.clientSetup(identity || null), [client, identity]);

  return (
    <div className="page">
      <PageHeader
        title="Clients"
        description="Point an MCP client at the gateway: pick who it connects as, then install it into the client or copy its config."
      />
      <div className="card card-body clients-controls">
        <div className="field">
          <label htmlFor={`${id}-identity`}>Connect as</label>
          <select
            id={`${id}-identity`}
            className="select"
            value={identity}
            onChange={(event) => setIdentity(event.target.value)}
          >
            <option value="">No token (anonymous)</option>
            {identities.data?.map((each) => (
              <option key={each.name} value={each.name}>
                {each.name}
              </option>
            ))}
          </select>
        </div>
        {setup.data && (
          <div className="field clients-endpoint">
            <span className="field-label">Endpoint</span>
            <div className="button-row">
              <code>{setup.data.endpoint}</code>
              <CopyButton text={setup.data.endpoint} what="endpoint" small />
            </div>
          </div>
        )}
      </div>
      {setup.error && <ErrorNotice message={setup.error} onRetry={() => void setup.reload()} />}
      {setup.data?.expiresAt && (
        <div className="notice notice-warn">
          The snippets carry a token for {identity} that expires{" "}
          {formatDateTime(setup.data.expiresAt)} ({formatExpiry(setup.data.expiresAt)}). Come back
          here for a fresh one, or mint a longer one in <a href="#/tokens">Tokens</a>.
        </div>
      )}
      <ClientInstallCard identity={identity} />
      {!setup.data && !setup.error && <Skeleton lines={6} />}
      <div className="snippets">
        {setup.data?.snippets.map((snippet) => (
          <ClientSnippetCard key={snippet.client} snippet={snippet} />
        ))}
      </div>
    </div>
  );
}
