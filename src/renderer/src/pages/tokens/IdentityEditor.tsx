import { useState } from "react";
import type { FormEvent } from "react";
import type { IdentitySummary } from "../../../../shared/ui-api";
import { JsonObjectField } from "../../components/JsonObjectField";
import { prettyJson } from "../../lib/format";
import { parseJsonObject } from "../../lib/parse-json-object";
import { TextField } from "../../components/TextField";

interface IdentityEditorProps {
  /** null for a new identity. */
  identity: IdentitySummary | null;
  onSave: (identity: IdentitySummary) => Promise<void>;
  onRemove: (name: string) => Promise<void>;
}

const NEW_CLAIMS = prettyJson({ sub: "alice", roles: ["developer"] });

export function IdentityEditor({ identity, onSave, onRemove }: IdentityEditorProps) {
  const [name, setName] = useState(identity?.name ?? "");
  const [claims, setClaims] = useState(identity ? prettyJson(identity.claims) : NEW_CLAIMS);
  const [issuer, setIssuer] = useState(identity?.issuer ?? "");
  const [audience, setAudience] = useState(audienceText(identity?.audience));
  const parsed = parseJsonObject(claims);
  const valid = parsed.ok && name.trim() !== "";

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!parsed.ok) return;
    const audiences = audience
      .split(",")
      .map((each) => each.trim())
      .filter(Boolean);
    void onSave({
      name: name.trim(),
      claims: parsed.value,
      ...(issuer.trim() && { issuer: issuer.trim() }),
      ...(audiences.length > 0 && { audience: audiences.length === 1 ? audiences[0] : audiences }),
    });
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Identity">
      <h2>{identity ? `Identity ${identity.name}` : "New identity"}</h2>
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        required
        readOnly={identity !== null}
      />
      <JsonObjectField
        label="Claims (JSON)"
        value={claims}
        onChange={setClaims}
        hint="Valid JSON: iat, exp and the issuer are added when a token is minted."
      />
      <div className="form-grid">
        <TextField
          label="Issuer"
          value={issuer}
          onChange={setIssuer}
          placeholder="optional: the keystore's issuer"
        />
        <TextField
          label="Audience"
          value={audience}
          onChange={setAudience}
          placeholder="optional, comma-separated"
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={!valid}>
          Save identity
        </button>
        {identity && (
          <button type="button" className="button" onClick={() => void onRemove(identity.name)}>
            Remove identity
          </button>
        )}
      </div>
    </form>
  );
}

function audienceText(audience: string | string[] | undefined): string {
  return Array.isArray(audience) ? audience.join(", ") : (audience ?? "");
}
