import { useEffect, useId, useState } from "react";
import type { TokenInspection } from "../../../../shared/ui-api";
import { useUiClient } from "../../api/ui-client-context";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JsonBlock } from "../../components/JsonBlock";
import { errorMessage } from "../../hooks/use-async";
import { useDebouncedValue } from "../../hooks/use-debounced-value";
import { RouteVerdicts } from "./RouteVerdicts";

export function DecodeTokenCard() {
  const client = useUiClient();
  const id = useId();
  const [token, setToken] = useState("");
  const pasted = useDebouncedValue(token.trim().replace(/^Bearer\s+/i, ""), 250);
  const [inspection, setInspection] = useState<TokenInspection>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    setInspection(undefined);
    setError(undefined);
    if (!pasted) return;
    let stale = false;
    client.inspectToken(pasted).then(
      (result) => !stale && setInspection(result),
      (caught: unknown) => !stale && setError(errorMessage(caught)),
    );
    return () => {
      stale = true;
    };
  }, [client, pasted]);

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>Decode a token</h2>
      </div>
      <div className="card-body stack">
        <div className="field">
          <label htmlFor={`${id}-token`}>Token</label>
          <textarea
            id={`${id}-token`}
            className="textarea"
            rows={3}
            value={token}
            spellCheck={false}
            placeholder="Paste a JWT: eyJhbGciOi…"
            onChange={(event) => setToken(event.target.value)}
          />
          <span className="field-hint">
            Checked the way each route would check it; the token is not stored.
          </span>
        </div>
        {error && <ErrorNotice message={error} />}
        {inspection?.malformed && <ErrorNotice message={`Malformed: ${inspection.malformed}`} />}
        {inspection && (
          <>
            <div className="decoded">
              {inspection.header && (
                <div className="field">
                  <span className="field-label">Header</span>
                  <JsonBlock value={inspection.header} label="Token header" />
                </div>
              )}
              {inspection.claims && (
                <div className="field">
                  <span className="field-label">Claims</span>
                  <JsonBlock value={inspection.claims} label="Token claims" />
                </div>
              )}
            </div>
            <RouteVerdicts verdicts={inspection.verdicts} />
          </>
        )}
      </div>
    </section>
  );
}
