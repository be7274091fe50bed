import { useId, useState } from "react";
import type { FormEvent } from "react";
import type { IdentitySummary, MintedToken } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JsonObjectField } from "../../components/JsonObjectField";
import { Spinner } from "../../components/Spinner";
import { errorMessage } from "../../hooks/use-async";
import { prettyJson } from "../../lib/format";
import { parseJsonObject } from "../../lib/parse-json-object";
import { MintedTokenView } from "./MintedTokenView";

const TTLS = [
  { value: "15m", label: "15 minutes" },
  { value: "1h", label: "1 hour" },
  { value: "8h", label: "8 hours" },
  { value: "1d", label: "1 day" },
  { value: "7d", label: "7 days" },
];

/** The value of the source select that stands for "claims typed here". */
const AD_HOC = "";

export function MintTokenCard({ identities }: { identities: IdentitySummary[] }) {
  const client = useUiClient();
  const id = useId();
  const [source, setSource] = useState<string>();
  const [claims, setClaims] = useState(prettyJson({ sub: "tester" }));
  const [ttl, setTtl] = useState("1h");
  const [minted, setMinted] = useState<MintedToken>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // Until the user picks, the first identity is the natural default.
  const identity = source ?? identities[0]?.name ?? AD_HOC;
  const adHoc = identity === AD_HOC;
  const parsed = parseJsonObject(claims);

  async function mint(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const adHocClaims = adHoc && parsed.ok ? parsed.value : null;
      setMinted(await client.mintToken(adHoc ? null : identity, adHocClaims, ttl));
    } catch (caught) {
      setMinted(undefined);
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>Mint a token</h2>
      </div>
      <form className="card-body stack" onSubmit={(event) => void mint(event)}>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-source`}>Identity</label>
            <select
              id={`${id}-source`}
              className="select"
              value={identity}
              onChange={(event) => setSource(event.target.value)}
            >
              {identities.map((each) => (
                <option key={each.name} value={each.name}>
                  {each.name}
                </option>
              ))}
              <option value={AD_HOC}>Ad-hoc claims…</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-ttl`}>Expires after</label>
            <select
              id={`${id}-ttl`}
              className="select"
              value={ttl}
              onChange={(event) => setTtl(event.target.value)}
            >
              {TTLS.map((each) => (
                <option key={each.value} value={each.value}>
                  {each.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {adHoc && (
          <JsonObjectField label="Claims (JSON)" value={claims} onChange={setClaims} rows={5} />
        )}
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || (adHoc && !parsed.ok)}
          >
            {busy && <Spinner label="Minting" />}
            Mint token
          </button>
        </div>
        {error && <ErrorNotice message={error} />}
        {minted && <MintedTokenView minted={minted} />}
      </form>
    </section>
  );
}
