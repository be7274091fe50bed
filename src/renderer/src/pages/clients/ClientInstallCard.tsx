import { useState } from "react";
import type { ClientInstallation, McpClientId } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Skeleton } from "../../components/Skeleton";
import { useToast } from "../../components/toast-context";
import { errorMessage, useAsync } from "../../hooks/use-async";

/**
 * One click per client: the gateway's entry written into the client's own config file, with a
 * fresh token for the identity chosen above; and what each client's file holds of it now.
 */
export function ClientInstallCard({ identity }: { identity: string }) {
  const client = useUiClient();
  const toast = useToast();
  const installations = useAsync(() => client.clientInstallations(null), [client]);
  const [installing, setInstalling] = useState<McpClientId>();

  async function install(target: ClientInstallation) {
    setInstalling(target.client);
    try {
      const result = await client.installClient(target.client, identity || null, {
        project: null,
        dryRun: false,
      });
      const kept = result.backup ? `; the previous file is kept as ${result.backup}` : "";
      toast(`Set up ${result.name} in ${result.file}${kept}. Restart it to connect.`, "success");
      await installations.reload();
    } catch (caught) {
      toast(errorMessage(caught), "error");
    } finally {
      setInstalling(undefined);
    }
  }

  return (
    <section className="card" aria-label="Install into a client">
      <div className="card-header">
        <div>
          <h2>Install into a client</h2>
          <p className="small muted">
            Writes the <code>gatehouse</code> entry
            {identity ? `, with a token for ${identity},` : ""} into the client&apos;s own config
            file. Everything else in it is kept, and so is the previous file, beside it.
          </p>
        </div>
      </div>
      {installations.error && (
        <ErrorNotice message={installations.error} onRetry={() => void installations.reload()} />
      )}
      {!installations.data && !installations.error && <Skeleton lines={5} />}
      {installations.data && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Set up</th>
                <th scope="col">Token</th>
                <th scope="col">File</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {installations.data.map((each) => (
                <tr key={each.client}>
                  <td>{each.name}</td>
                  <td>
                    <SetUp installation={each} />
                  </td>
                  <td>
                    <TokenState installation={each} />
                  </td>
                  <td>
                    <code className="small">{each.file}</code>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      disabled={installing !== undefined}
                      aria-label={`Install into ${each.name}`}
                      onClick={() => void install(each)}
                    >
                      {installing === each.client ? "Installing…" : "Install"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SetUp({ installation }: { installation: ClientInstallation }) {
  if (installation.problem) {
    return (
      <span className="badge badge-danger" title={installation.problem}>
        unreadable
      </span>
    );
  }
  if (!installation.installed) return <span className="muted">no</span>;
  return (
    <span className="badge badge-ok" title={installation.url}>
      yes
    </span>
  );
}

function TokenState({ installation }: { installation: ClientInstallation }) {
  const { token } = installation;
  if (installation.problem) return <span className="small">{installation.problem}</span>;
  if (!installation.installed) return null;
  if (!token) return <span className="muted">none</span>;
  if (token.verdict === "accepted") {
    return <span className="badge badge-ok">verifies{token.subject && ` (${token.subject})`}</span>;
  }
  if (token.verdict === "unchecked") return <span className="muted">{token.reason}</span>;
  return (
    <span className="badge badge-danger" title={token.reason}>
      refused: {token.reason}
    </span>
  );
}
